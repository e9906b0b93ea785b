/// Text in the figures: rsvg-convert lays out no text of its own, so anything long is wrapped
/// by an estimate of its width that errs wide.
enum SVGText {
  /// Ems per character: DejaVu Sans's letters and digits are 0.28 to 0.64 em wide (only "m" and
  /// "w" wider), so a line measured at 0.65 em a character ends at or before its estimate.
  static let emPerCharacter = 0.65

  /// The estimated width in pixels of `text` at `fontSize`.
  static func width(_ text: String, fontSize: Double) -> Double {
    Double(text.count) * fontSize * emPerCharacter
  }

  /// `text` wrapped into lines no wider than `width` pixels at `fontSize`.
  static func wrapped(_ text: String, width: Double, fontSize: Double) -> [String] {
    wrapped(text, characters: max(1, Int(width / (fontSize * emPerCharacter))))
  }

  /// `text` broken at spaces into lines of at most `characters`; a word longer than a line is
  /// cut across lines.
  static func wrapped(_ text: String, characters: Int) -> [String] {
    let limit = max(1, characters)
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      var word = Substring(word)
      if !line.isEmpty && line.count + 1 + word.count > limit {
        lines.append(line)
        line = ""
      }
      while line.isEmpty && word.count > limit {
        lines.append(String(word.prefix(limit)))
        word = word.dropFirst(limit)
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    return lines + [line]
  }

  /// One `<text>` element of `lines`, the first baseline at `y`, each next one `lineHeight`
  /// below; `attributes` are added to the element as they are (`font-size="13"`).
  static func element(
    _ lines: [String], x: Double, y: Double, lineHeight: Double, attributes: String = ""
  ) -> String {
    let spans = lines.enumerated().map { index, line in
      "<tspan x=\"\(format(x))\" y=\"\(format(y + Double(index) * lineHeight))\">\(xmlEscaped(line))</tspan>"
    }
    return "<text\(attributes.isEmpty ? "" : " " + attributes)>" + spans.joined() + "</text>"
  }

  /// A coordinate with one decimal, as every figure writes them.
  static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// `text` with XML's five special characters escaped, for SVG text and attributes.
func xmlEscaped(_ text: String) -> String {
  var escaped = ""
  for character in text {
    switch character {
    case "&": escaped += "&amp;"
    case "<": escaped += "&lt;"
    case ">": escaped += "&gt;"
    case "\"": escaped += "&quot;"
    case "'": escaped += "&apos;"
    default: escaped.append(character)
    }
  }
  return escaped
}

/// Why a file could not be turned into a digit image. Each description is one line that starts
/// with the file, so the command line and the web API can show it as is.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
  case empty(name: String)
  /// `reason` is stb_image's own (e.g. "unknown image type", "bad png sig", "outofdata") or the
  /// PGM reader's.
  case undecodable(name: String, reason: String)
  case tooLarge(name: String, width: Int, height: Int)

  public var description: String {
    switch self {
    case .empty(let name):
      return "\(name): file is empty, not an image"
    case .undecodable(let name, let reason):
      return "\(name): cannot decode as PNG, JPEG or PGM (\(reason))" + hint(reason)
    case .tooLarge(let name, let width, let height):
      return "\(name): image is \(width)x\(height) pixels, more than the "
        + "\(DigitImage.maximumPixels / (1 << 20)) megapixel limit; scale it down"
    }
  }
}

/// Plain words for stb_image's terse reasons that users meet most.
private func hint(_ reason: String) -> String {
  switch reason {
  case "outofdata": return "; the file is cut short"
  case "unknown image type": return "; the content is no PNG, JPEG or PGM, whatever the file name says"
  default: return ""
  }
}

import Foundation

/// The report's PNG figures, rendered from their SVGs by rsvg-convert (Debian's librsvg2-bin).
enum FigurePNG {
  /// Writes the PNG beside `svg` (atomically: a temporary file, then a rename); returns a note
  /// for the user when it could not.
  static func render(svg: String) -> String? {
    let png = (svg as NSString).deletingPathExtension + ".png"
    let name = (png as NSString).lastPathComponent
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["rsvg-convert", "--zoom", "2", "--output", png + ".tmp", svg]
    let problem = Pipe()
    process.standardError = problem
    do {
      try process.run()
      process.waitUntilExit()
    } catch {
      return "\(name) skipped: rsvg-convert (Debian's librsvg2-bin) could not be started"
    }
    let said = String(decoding: problem.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .split(separator: "\n").first.map(String.init)
    guard process.terminationStatus == 0, rename(png + ".tmp", png) == 0 else {
      try? FileManager.default.removeItem(atPath: png + ".tmp")
      // env's own complaint when rsvg-convert is missing; rsvg-convert's otherwise.
      guard let said, !said.contains("No such file") else {
        return "\(name) skipped: install rsvg-convert (apt-get install librsvg2-bin) to render it"
      }
      return "\(name) skipped: rsvg-convert: \(said)"
    }
    return nil
  }
}

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
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
    } catch {
      return "\(name) skipped: rsvg-convert (Debian's librsvg2-bin) could not be started"
    }
    guard process.terminationStatus == 0, rename(png + ".tmp", png) == 0 else {
      try? FileManager.default.removeItem(atPath: png + ".tmp")
      return "\(name) skipped: install rsvg-convert (apt-get install librsvg2-bin) to render it"
    }
    return nil
  }
}

import Foundation

/// The report's convergence.png, rendered from its SVG by rsvg-convert (Debian's librsvg2-bin).
enum ConvergencePNG {
  /// Writes the PNG beside `svg` (atomically: a temporary file, then a rename); returns a note
  /// for the user when it could not.
  static func render(svg: String) -> String? {
    let png = (svg as NSString).deletingPathExtension + ".png"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["rsvg-convert", "--zoom", "2", "--output", png + ".tmp", svg]
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
    } catch {
      return "convergence.png skipped: rsvg-convert (Debian's librsvg2-bin) could not be started"
    }
    guard process.terminationStatus == 0, rename(png + ".tmp", png) == 0 else {
      try? FileManager.default.removeItem(atPath: png + ".tmp")
      return "convergence.png skipped: install rsvg-convert (apt-get install librsvg2-bin) to render it"
    }
    return nil
  }
}

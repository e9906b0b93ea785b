import Foundation
import TestSupport

/// `digits serve --port 0` running as its own process, as a user starts it; the port is read
/// from the line it prints once it listens.
final class ServeProcess {
  let process = Process()
  let baseURL: URL
  private let output = Pipe()

  init(checkpoint: String, timeout: TimeInterval = 60) throws {
    process.executableURL = URL(fileURLWithPath: DigitsProcess.executable)
    process.arguments = ["serve", "--checkpoint", checkpoint, "--port", "0", "--threads", "1"]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    try process.run()
    baseURL = try Self.awaitListening(output.fileHandleForReading, process: process, timeout: timeout)
  }

  deinit { stop() }

  /// Reads stdout until `Serving ... at http://127.0.0.1:PORT/ ...`.
  private static func awaitListening(_ handle: FileHandle, process: Process, timeout: TimeInterval) throws
    -> URL
  {
    let deadline = Date().addingTimeInterval(timeout)
    var text = ""
    while Date() < deadline, process.isRunning {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      text += String(decoding: chunk, as: UTF8.self)
      if let start = text.range(of: "http://"), let end = text[start.upperBound...].firstIndex(of: " ") {
        return URL(string: String(text[start.lowerBound..<end]))!
      }
    }
    process.terminate()
    throw ServeFailed(output: text)
  }

  /// Resident memory of the server process, from /proc (kB).
  var residentKilobytes: Int {
    let status =
      (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
  }

  func stop() {
    guard process.isRunning else { return }
    process.terminate()
    process.waitUntilExit()
  }

  struct ServeFailed: Error, CustomStringConvertible {
    let output: String
    var description: String { "digits serve did not start listening; it printed: \(output)" }
  }
}

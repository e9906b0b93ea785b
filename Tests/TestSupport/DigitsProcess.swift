import Foundation

/// Runs the built `digits` executable, as a user would, and captures what it prints.
public struct DigitsProcess {
  public struct Result {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process ended by a signal (a trap or crash), not by exit().
    public let signalled: Bool

    /// stderr's lines (a final newline does not start another line).
    public var stderrLines: [Substring] {
      let text = stderr.hasSuffix("\n") ? stderr.dropLast() : Substring(stderr)
      return text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false)
    }
  }

  /// `digits` sits next to the test bundle, in the same `.build*/debug` folder
  /// (DIGITS_EXECUTABLE overrides it).
  public static var executable: String {
    if let path = ProcessInfo.processInfo.environment["DIGITS_EXECUTABLE"], !path.isEmpty { return path }
    let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    var directory = testBinary.deletingLastPathComponent()
    // On Darwin the test binary lives inside <name>.xctest/Contents/MacOS.
    while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
    return directory.appendingPathComponent("digits").path
  }

  /// Runs `digits arguments...` in `directory` with stdout and stderr sent to files (no pipe to
  /// fill up and block).
  /// `environment` adds to (or replaces in) this process's environment, for the child only.
  public static func run(
    _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
  )
    throws -> Result
  {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw MissingExecutable(path: executable)
    }
    let scratch = try TemporaryFolder()
    defer { scratch.remove() }
    let outPath = try scratch.write([], to: "stdout")
    let errPath = try scratch.write([], to: "stderr")
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Result(
      status: process.terminationStatus,
      stdout: try String(contentsOfFile: outPath, encoding: .utf8),
      stderr: try String(contentsOfFile: errPath, encoding: .utf8),
      signalled: process.terminationReason == .uncaughtSignal)
  }

  public struct MissingExecutable: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "\(path) not found: build the digits product first (swift build)" }
  }
}

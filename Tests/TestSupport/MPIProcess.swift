import Foundation

/// Runs `digits` under Open MPI's `mpirun`, as a user would (`make test` installs Open MPI).
public enum MPIProcess {
  /// `mpirun`'s options for this machine: as root, more ranks than cores, no core binding.
  public static func launcherArguments(ranks: Int) -> [String] {
    ["-np", "\(ranks)", "--oversubscribe", "--bind-to", "none", DigitsProcess.executable]
  }

  public static var mpirun: String {
    for directory in ["/usr/bin", "/usr/local/bin"]
    where FileManager.default.isExecutableFile(atPath: directory + "/mpirun") {
      return directory + "/mpirun"
    }
    return "mpirun"
  }

  /// Open MPI refuses to run as root without these.
  public static var environment: [String: String] {
    ProcessInfo.processInfo.environment.merging(
      ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]) { _, new in new }
  }

  /// A started `mpirun -np ranks digits arguments...`, with stdout and stderr going to files.
  public final class Job {
    public let process = Process()
    private let scratch: TemporaryFolder
    private let outPath: String
    private let errPath: String

    public init(ranks: Int, arguments: [String]) throws {
      guard FileManager.default.isExecutableFile(atPath: MPIProcess.mpirun) else {
        throw DigitsProcess.MissingExecutable(path: "mpirun (Debian's openmpi-bin; `make test` installs it)")
      }
      scratch = try TemporaryFolder()
      outPath = try scratch.write([], to: "stdout")
      errPath = try scratch.write([], to: "stderr")
      process.executableURL = URL(fileURLWithPath: MPIProcess.mpirun)
      process.arguments = MPIProcess.launcherArguments(ranks: ranks) + arguments
      process.environment = MPIProcess.environment
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
      process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
      try process.run()
    }

    deinit { scratch.remove() }

    /// The `digits` processes mpirun started (its children), by PID.
    public var ranks: [Int32] {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
      return entries.compactMap(Int32.init).filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
        else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 && Int32(fields[1]) == process.processIdentifier
      }.sorted()
    }

    /// The PID of rank `rank` (from its OMPI_COMM_WORLD_RANK), once mpirun has started it.
    public func pid(ofRank rank: Int) -> Int32? {
      ranks.first { pid in
        guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        return environ.split(separator: 0).contains {
          Array($0) == Array("OMPI_COMM_WORLD_RANK=\(rank)".utf8)
        }
      }
    }

    public func wait() throws -> DigitsProcess.Result {
      process.waitUntilExit()
      return DigitsProcess.Result(
        status: process.terminationStatus,
        stdout: try String(contentsOfFile: outPath, encoding: .utf8),
        stderr: try String(contentsOfFile: errPath, encoding: .utf8),
        signalled: process.terminationReason == .uncaughtSignal)
    }
  }

  /// Runs `mpirun -np ranks digits arguments...` to the end.
  public static func run(ranks: Int, _ arguments: [String]) throws -> DigitsProcess.Result {
    try Job(ranks: ranks, arguments: arguments).wait()
  }
}

import DigitsKit
import Foundation

/// The processes of this run: MPI_COMM_WORLD when an MPI launcher (mpirun, srun) started
/// several `digits`, else this process alone. Only then is Open MPI loaded, so a single-process
/// user needs no MPI installed.
enum Job {
  /// Set once, by `start()`, before any training.
  nonisolated(unsafe) private(set) static var mpi: MPICommunicator?

  static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// The job's communicator; joins MPI when launched as one of several processes.
  static func start() throws -> any Communicator {
    if let mpi { return mpi }
    guard MPICommunicator.launchedAsOneOfSeveral(environment: environment) else { return SingleProcess() }
    let world = try MPICommunicator()
    mpi = world
    return world
  }

  /// Processes of this job on this machine, so that the default thread count splits the cores.
  static var localProcesses: Int {
    environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init)
      ?? environment["SLURM_NTASKS_PER_NODE"].flatMap(Int.init) ?? 1
  }

  static var isLeader: Bool { (mpi?.rank ?? 0) == 0 }

  /// MPI_Finalize after a run that every rank finished.
  static func finish() { mpi?.finish() }

  /// An error on any rank ends every rank (MPI_Abort), so that none waits for it forever.
  static func abortOthers(status: Int32) {
    guard let mpi, mpi.size > 1 else { return }
    mpi.abortJob(code: status)
  }

  /// Under MPI, Ctrl-C and a failed rank reach each process as SIGTERM from the launcher: the
  /// ranks cannot agree to stop after a step, so they stop at once, and rank 0 says how to go on
  /// (the run folder is whole: every write is atomic).
  static func installStopHandler(resumeHint: String) {
    guard let mpi, mpi.size > 1 else { return }
    stopMessage =
      mpi.rank == 0
      ? strdup(
        "\ndigits: the job was stopped (a process failed or was interrupted: see the launcher's message for which "
          + "rank); \(resumeHint)\n")
      : nil
    for stop in [SIGTERM, SIGINT] {
      signal(stop) { number in
        if let message = Job.stopMessage { _ = write(STDERR_FILENO, message, strlen(message)) }
        _exit(128 + number)
      }
    }
  }

  nonisolated(unsafe) private static var stopMessage: UnsafeMutablePointer<CChar>?
}

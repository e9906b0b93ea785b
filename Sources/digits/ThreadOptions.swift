import ArgumentParser
import DigitsKit

/// `--threads`, shared by every command that computes.
struct ThreadOptions: ParsableArguments {
  @Option(
    help:
      "Worker threads for OpenBLAS and the element-wise kernels (default: every core this process may use, within its CPU affinity and container quota, shared among the processes an MPI launcher started on this machine)."
  )
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw InputProblem("--threads must be at least 1, got \(threads)") }
  }

  var count: Int { threads ?? max(1, Workers.available / Job.localProcesses) }
}

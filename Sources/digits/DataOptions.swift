import ArgumentParser
import DigitsKernels

/// Options every command that reads MNIST shares.
struct DataOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Folder with the four IDX files (.gz or raw) of MNIST or a dataset in the same layout.",
      discussion: "Default: the MNIST copy bundled in the repository (checked against its MD5s).",
      valueName: "dir"))
  var dataDir: String?

  @Option(help: "Worker threads for OpenBLAS and the element-wise kernels (default: all cores).")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw InputProblem("--threads must be at least 1, got \(threads)") }
  }

  var threadCount: Int { threads ?? Threads.count }
}

import ArgumentParser
import DigitsKit

/// Options every command that reads MNIST shares.
struct DataOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Folder with the four IDX files (.gz or raw) of MNIST or a dataset in the same layout.",
      discussion: "Default: the MNIST copy bundled in the repository (checked against its MD5s).",
      valueName: "dir"))
  var dataDir: String?

  @OptionGroup var threads: ThreadOptions

  var threadCount: Int { threads.count }

  /// The four files of --data-dir, or the bundled MNIST checked against its MD5s.
  func load() throws -> MNIST {
    try MNIST.load(directory: dataDir ?? MNIST.bundledDirectory, verifyChecksums: dataDir == nil)
  }
}

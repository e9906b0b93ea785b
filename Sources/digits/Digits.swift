import ArgumentParser
import DigitsKit
import Foundation

@main
struct Digits: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "digits",
    abstract: "Train and use ResNets for handwritten digit recognition (MNIST) on the CPU.",
    discussion: """
      Reproduces the ResNet34 / ResNet50 MNIST experiment with PyTorch-exact layers, \
      and reads and writes torchvision-compatible safetensors checkpoints.
      """,
    subcommands: [
      Train.self, Evaluate.self, Experiment.self, Predict.self, Bench.self, Serve.self, Export.self,
    ]
  )

  /// Bad input of any kind, a flag's value included, ends with one line on stderr (no usage
  /// dump) and a non-zero status; --help and --version print as usual.
  static func main() async {
    VectorUnits.exitUnlessSupported()
    // Before OpenBLAS is opened (on first use), so that its constructor reads it; a value the
    // user set wins.
    setenv("OPENBLAS_THREAD_TIMEOUT", OpenBLAS.recommendedThreadTimeout, 0)
    do {
      var command = try parseAsRoot()
      if var command = command as? AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch {
      guard exitCode(for: error) != .success, !(error is ExitCode) else { exit(withError: error) }
      let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      let rank = Job.mpi.map { $0.size > 1 ? " (rank \($0.rank) of \($0.size))" : "" } ?? ""
      FileHandle.standardError.write(Data(("Error\(rank): " + lines.joined(separator: " ") + "\n").utf8))
      Job.abortOthers(status: exitCode(for: error).rawValue)
      Foundation.exit(exitCode(for: error).rawValue)
    }
  }
}

/// A bad flag value or input, reported as one line (`Error: ...`) without the usage dump.
struct InputProblem: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

import ArgumentParser

@main
struct Digits: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "digits",
    abstract: "Train and use ResNets for handwritten digit recognition (MNIST) on the CPU.",
    discussion: """
      Reproduces the ResNet34 / ResNet50 MNIST experiment with PyTorch-exact layers, \
      and reads and writes torchvision-compatible safetensors checkpoints.
      """,
    subcommands: [
      Train.self, Evaluate.self, Experiment.self, Predict.self, Bench.self, Serve.self,
    ]
  )
}

/// A bad flag value or input, reported as one line (`Error: ...`) without the usage dump.
struct InputProblem: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Subcommands of the contract that a later issue builds: they say so and fail.
struct NotBuiltYet: Error, CustomStringConvertible {
  let command: String
  var description: String { "`digits \(command)` is not built yet" }
}

import ArgumentParser

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
      Train.self, Evaluate.self, Experiment.self, Predict.self, Bench.self, Serve.self,
    ]
  )

  static func main() async {
    VectorUnits.exitUnlessSupported()
    await main(nil)
  }
}

/// A bad flag value or input, reported as one line (`Error: ...`) without the usage dump.
struct InputProblem: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

import ArgumentParser

struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Classify images of handwritten digits (PNG, JPEG, PGM) (not built yet).")
  func run() throws { throw NotBuiltYet(command: "predict") }
}

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure training and inference throughput, GFLOP/s and peak memory (not built yet).")
  func run() throws { throw NotBuiltYet(command: "bench") }
}

struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a drawing page and a JSON prediction API (not built yet).")
  func run() throws { throw NotBuiltYet(command: "serve") }
}

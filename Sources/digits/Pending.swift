import ArgumentParser

struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Classify images of handwritten digits (PNG, JPEG, PGM) (not built yet).")
  func run() throws { throw NotBuiltYet(command: "predict") }
}

struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a drawing page and a JSON prediction API (not built yet).")
  func run() throws { throw NotBuiltYet(command: "serve") }
}

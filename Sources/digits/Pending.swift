import ArgumentParser

struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a drawing page and a JSON prediction API (not built yet).")
  func run() throws { throw NotBuiltYet(command: "serve") }
}

import Foundation

/// The files of one training run, as docs/contract.md names them.
public struct RunFolder: Sendable {
  public let path: String

  public init(_ path: String) { self.path = path }

  public var config: String { file("config.json") }
  public var history: String { file("history.csv") }
  public var steps: String { file("steps.csv") }
  public var best: String { file("best.safetensors") }
  public var last: String { file("last.safetensors") }
  /// Weights, optimiser moments, data order and early-stopping state after the last complete
  /// epoch, in one file so that a kill can never leave them out of step with each other.
  public var resumeState: String { file("last.state.safetensors") }
  public var metrics: String { file("metrics.json") }

  public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  public func create() throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw TrainingError.cannotWrite(
        path: path, reason: "cannot create the run folder (\(error.localizedDescription))")
    }
  }
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`, so readers
/// (and a kill) only ever see the old or the new file.
public func writeAtomically(_ text: String, to path: String) throws {
  do {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  } catch {
    throw TrainingError.cannotWrite(path: path, reason: error.localizedDescription)
  }
}

/// JSON with sorted keys and snake_case names, as the run files use.
public func encodeJSON<T: Encodable>(_ value: T) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  encoder.keyEncodingStrategy = .convertToSnakeCase
  return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
}

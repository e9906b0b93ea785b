import DigitsNN
import Foundation

/// A parity fixture written by scripts/make_fixtures.py (PyTorch): tensors in PyTorch's
/// layouts, read back here in the engine's (NHWC activations, [O, KH, KW, I] conv weights).
public struct Fixture {
  public let name: String
  public let file: SafeTensorsFile

  /// Tests/Fixtures/<name>.safetensors.
  public static func load(_ name: String) throws -> Fixture {
    let path = fixturesDirectory + "/" + name + ".safetensors"
    let file = try SafeTensorsFile.read(path: path)
    precondition(file.metadata["fixture_version"] == "1", "\(path): regenerate with scripts/make_fixtures.py")
    return Fixture(name: name, file: file)
  }

  public static var fixturesDirectory: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures").path
  }

  public func shape(_ key: String) -> [Int] { file.info(key)!.shape }
  public func floats(_ key: String) throws -> [Float] { try file.floats(key) }
  public func labels(_ key: String = "labels") throws -> [Int32] { try file.int64s(key).map { Int32($0) } }
  public func metadata(_ key: String) -> String { file.metadata[key] ?? "" }
  public func integer(_ key: String) -> Int { Int(metadata(key))! }
  public func number(_ key: String) -> Float { Float(metadata(key))! }

  /// A tensor in NHWC from a stored NCHW one ([N, F] tensors are kept as [N, 1, 1, F]).
  public func activation(_ key: String) throws -> Tensor {
    let s = shape(key)
    let values = try floats(key)
    if s.count == 2 { return Tensor(values, batch: s[0], channels: s[1]) }
    return Tensor(movingAxis1ToEnd(values, shape: s), batch: s[0], height: s[2], width: s[3], channels: s[1])
  }

  /// A stored activation in NHWC order, as a flat array to compare with a Tensor.
  public func activationValues(_ key: String) throws -> [Float] { try activation(key).array }

  /// Loads `prefix.*` tensors (e.g. "param.") into the arenas.
  public func loadState(into arenas: [ParameterArena], prefix: String = "param.") throws {
    try StateDict.load(from: file, into: arenas, prefix: prefix, strict: true)
  }
}

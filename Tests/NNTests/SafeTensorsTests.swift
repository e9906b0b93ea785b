import DigitsNN
import Foundation
import TestSupport
import Testing

/// Tests/Fixtures, found from this file so the tests run from any working directory.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// A fresh empty directory per test, so parallel tests never share files.
private func temporaryDirectory() throws -> String {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}

/// A file made of a little-endian header length, `header` and `data` zero bytes.
private func rawFile(_ header: String, data: Int = 0, declaredLength: UInt64? = nil) -> [UInt8] {
  let json = Array(header.utf8)
  let length = declaredLength ?? UInt64(json.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + json
    + [UInt8](repeating: 0, count: data)
}

private func expectError(
  _ kind: SafeTensorsError.Kind, _ fragment: String, path: String,
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
  } catch let error as SafeTensorsError {
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path + ": "), "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}

@Test func safeTensorsRoundTrip() throws {
  let dir = try temporaryDirectory()
  let path = dir + "/model.safetensors"
  var writer = SafeTensorsWriter()
  writer.metadata = ["model": "resnet18", "quote\"\n": "tab\tbackslash\\ é"]
  let weights: [Float] = [1.5, -2, .infinity, .nan, 0, -0.0]
  writer.add("conv1.weight", floats: weights, shape: [2, 3])
  writer.add("bn1.num_batches_tracked", int64s: [Int64.max], shape: [])
  writer.add("loss", floats: [0.25], shape: [])
  writer.add("empty", floats: [], shape: [0, 4])
  try writer.write(to: path)

  let file = try SafeTensorsFile.read(path: path)
  #expect(file.path == path)
  #expect(file.metadata == writer.metadata)
  #expect(file.names == ["bn1.num_batches_tracked", "conv1.weight", "empty", "loss"])
  #expect(file.info("conv1.weight")! == ("F32", [2, 3]))
  #expect(file.info("bn1.num_batches_tracked")! == ("I64", []))
  #expect(file.info("nope") == nil)
  #expect(try file.floats("conv1.weight", shape: [2, 3]).map(\.bitPattern) == weights.map(\.bitPattern))
  #expect(try file.int64s("bn1.num_batches_tracked", shape: []) == [Int64.max])
  #expect(try file.floats("loss") == [0.25])
  #expect(try file.floats("empty", shape: [0, 4]) == [])
  try file.requireExactly(["loss", "empty", "conv1.weight", "bn1.num_batches_tracked"])
  // The temporary file was renamed into place, not left beside it.
  #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["model.safetensors"])

  // Header padded to 8 bytes so the data, and with I64 first every tensor, stays aligned.
  let bytes = try #require(FileManager.default.contents(atPath: path))
  let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
  #expect(headerLength % 8 == 0)
}

@Test func safeTensorsEmptyFile() throws {
  let path = try temporaryDirectory() + "/empty.safetensors"
  try SafeTensorsWriter().write(to: path)
  let file = try SafeTensorsFile.read(path: path)
  #expect(file.names.isEmpty && file.metadata.isEmpty)
  #expect(FileManager.default.contents(atPath: path) == Data(rawFile("{}      ")))
}

@Test func safeTensorsOverwritesAtomicallyInPlace() throws {
  let dir = try temporaryDirectory()
  let path = dir + "/last.safetensors"
  for value: Float in [1, 2] {
    var writer = SafeTensorsWriter()
    writer.add("w", floats: [value], shape: [1])
    try writer.write(to: path)
  }
  #expect(try SafeTensorsFile.read(path: path).floats("w") == [2])
  #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["last.safetensors"])
}

@Test func safeTensorsWriterErrors() throws {
  let dir = try temporaryDirectory()
  var wrongCount = SafeTensorsWriter()
  wrongCount.add("w", floats: [1, 2, 3], shape: [2, 2])
  expectError(.invalidTensor, "\"w\" has 3 elements", path: dir + "/a.safetensors") {
    try wrongCount.write(to: dir + "/a.safetensors")
  }
  var twice = SafeTensorsWriter()
  twice.add("w", floats: [1], shape: [1])
  twice.add("w", int64s: [1], shape: [1])
  expectError(.invalidTensor, "used twice", path: dir + "/b.safetensors") {
    try twice.write(to: dir + "/b.safetensors")
  }
  let missingDir = dir + "/no/such/dir/c.safetensors"
  expectError(.unwritable, "does the folder exist", path: missingDir) {
    try SafeTensorsWriter().write(to: missingDir)
  }
  #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
}

/// Malformed files, each with the error kind and a fragment its message must contain.
private let malformed: [(name: String, bytes: [UInt8], kind: SafeTensorsError.Kind, fragment: String)] = [
  ("short", [1, 2, 3], .badHeaderLength, "too short"),
  ("zero-length", rawFile("", declaredLength: 0), .badHeaderLength, "header length 0 is outside"),
  ("huge-length", rawFile("{}", declaredLength: 1 << 62), .badHeaderLength, "is larger than the 2 bytes"),
  ("past-end", rawFile("{}", declaredLength: 100), .badHeaderLength, "truncated or not a safetensors"),
  ("not-json", rawFile("{not json}"), .badHeader, "not valid JSON"),
  (
    "not-utf8", rawFile("{\"a\":1}").enumerated().map { $0.offset == 10 ? 0xFF : $0.element }, .badHeader,
    "JSON"
  ),
  ("array", rawFile("[1,2]"), .badHeader, "not a JSON object"),
  ("deep", rawFile(String(repeating: "[", count: 100_000)), .badHeader, "not valid JSON"),
  (
    "nested",
    rawFile("{\"w\":" + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}"),
    .badHeader, "tensor \"w\" is not a JSON object"
  ),
  ("metadata", rawFile(#"{"__metadata__":{"a":1}}"#), .badHeader, "metadata value for \"a\""),
  ("entry", rawFile(#"{"w":[1]}"#), .badHeader, "tensor \"w\" is not a JSON object"),
  ("no-dtype", rawFile(#"{"w":{"shape":[],"data_offsets":[0,4]}}"#, data: 4), .badHeader, "\"dtype\""),
  (
    "dtype", rawFile(#"{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, data: 4),
    .unsupportedDType, "unsupported dtype \"Q7\""
  ),
  (
    "negative-shape", rawFile(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4),
    .badHeader, "\"shape\""
  ),
  (
    "fraction", rawFile(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: 4),
    .badHeader, "\"data_offsets\""
  ),
  (
    "three-offsets", rawFile(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, data: 8),
    .badHeader, "\"data_offsets\""
  ),
  (
    "overflow", rawFile(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#),
    .badOffsets, "too large"
  ),
  (
    "size", rawFile(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8),
    .badOffsets, "takes 12 bytes"
  ),
  (
    "reversed", rawFile(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: 8),
    .badOffsets, "data_offsets [8, 0]"
  ),
  (
    "outside", rawFile(#"{"w":{"dtype":"F32","shape":[100],"data_offsets":[0,400]}}"#, data: 16),
    .badOffsets, "truncated"
  ),
  (
    "huge-offsets",
    rawFile(
      #"{"w":{"dtype":"U8","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}}"#, data: 1),
    .badOffsets, "truncated"
  ),
  (
    "overlap",
    rawFile(
      #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
      data: 12),
    .badOffsets, "overlapping tensor \"a\""
  ),
  (
    "gap",
    rawFile(
      #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#,
      data: 16),
    .badOffsets, "unused"
  ),
  (
    "trailing", rawFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 12),
    .badOffsets, "cover only 8"
  ),
]

@Test(arguments: malformed.indices)
func safeTensorsRejectsMalformed(_ index: Int) throws {
  let bad = malformed[index]
  let path = try temporaryDirectory() + "/\(bad.name).safetensors"
  #expect(FileManager.default.createFile(atPath: path, contents: Data(bad.bytes)))
  expectError(bad.kind, bad.fragment, path: path) { _ = try SafeTensorsFile.read(path: path) }
}

@Test func safeTensorsUnreadableFiles() throws {
  let dir = try temporaryDirectory()
  expectError(.unreadable, "No such file", path: dir + "/none.safetensors") {
    _ = try SafeTensorsFile.read(path: dir + "/none.safetensors")
  }
  expectError(.unreadable, "not a regular file", path: dir) { _ = try SafeTensorsFile.read(path: dir) }
}

@Test func safeTensorsTypedReadErrors() throws {
  let path = "model.safetensors"
  var writer = SafeTensorsWriter()
  writer.add("w", floats: [1, 2], shape: [2])
  writer.add("n", int64s: [3], shape: [])
  let file = try SafeTensorsFile(bytes: writer.bytesForTesting(), path: path)
  expectError(.missingTensor, "missing tensor \"X\"", path: path) { _ = try file.floats("X") }
  expectError(.wrongShape, "tensor \"w\" has shape [2] but [1, 2] was expected", path: path) {
    _ = try file.floats("w", shape: [1, 2])
  }
  expectError(.wrongDType, "tensor \"n\" has dtype I64 but F32 was expected", path: path) {
    _ = try file.floats("n")
  }
  expectError(.wrongDType, "tensor \"w\" has dtype F32 but I64 was expected", path: path) {
    _ = try file.int64s("w")
  }
  expectError(.unexpectedTensors, "unexpected tensor \"n\"", path: path) { try file.requireExactly(["w"]) }
  expectError(.missingTensor, "missing tensor \"v\"", path: path) {
    try file.requireExactly(["n", "v", "w"])
  }
}

/// Random byte corruption must give an error or a valid file, never a trap. Seeded, so a
/// failure comes back on every run.
@Test func safeTensorsSurvivesCorruption() throws {
  var writer = SafeTensorsWriter()
  writer.metadata = ["k": "v"]
  writer.add("a", floats: [1, 2, 3], shape: [3])
  writer.add("b", int64s: [4], shape: [1, 1])
  let good = writer.bytesForTesting()
  var rng = TestRandom(seed: 17)
  for _ in 0..<2000 {
    var bytes = good
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
    }
    if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
    do {
      let file = try SafeTensorsFile(bytes: bytes, path: "fuzz")
      for name in file.names {
        _ = try? file.floats(name)
        _ = try? file.int64s(name)
      }
    } catch is SafeTensorsError {
    }
  }
}

@Test func safeTensorsReadsPythonFixtures() throws {
  let add = try SafeTensorsFile.read(path: fixtures + "/add.safetensors")
  #expect(add.metadata["fixture_version"] == "1")
  #expect(add.metadata["generator"] == "scripts/make_fixtures.py")
  #expect(add.metadata["case"] == "add")
  #expect(add.names == ["grad_out", "grad_x", "grad_y", "out", "x", "y"])
  let x = try add.floats("x", shape: [2, 3, 4, 4])
  let y = try add.floats("y", shape: [2, 3, 4, 4])
  // PyTorch's float32 sum is exact to compare, and it proves each tensor's offsets.
  #expect(try add.floats("out", shape: [2, 3, 4, 4]) == zip(x, y).map { $0 + $1 })
  #expect(try add.floats("grad_x") == add.floats("grad_out"))

  let bn = try SafeTensorsFile.read(path: fixtures + "/bn_train.safetensors")
  #expect(try bn.int64s("param.num_batches_tracked", shape: []) == [7])
  #expect(try bn.int64s("state.num_batches_tracked", shape: []) == [8])
  #expect(bn.metadata["eps"] == "1e-05" && bn.metadata["training"] == "true")

  let loss = try SafeTensorsFile.read(path: fixtures + "/cross_entropy.safetensors")
  #expect(loss.info("out")! == ("F32", []))
  #expect(try loss.int64s("labels", shape: [6]).allSatisfy { (0..<10).contains($0) })
}

@Test func safeTensorsReadsPythonCheckpoint() throws {
  let file = try SafeTensorsFile.read(path: fixtures + "/checkpoint_tiny.safetensors")
  #expect(file.metadata["normalization_mean"] == "0.1307")
  #expect(file.info("conv1.weight")! == ("F32", [64, 1, 7, 7]))
  #expect(file.info("fc.weight")! == ("F32", [10, 512]))
  #expect(try file.int64s("layer4.0.downsample.1.num_batches_tracked", shape: []) == [1])
  #expect(try file.floats("layer4.0.conv2.weight", shape: [512, 512, 3, 3]).count == 512 * 512 * 9)
}

/// Rewriting a Python-written file's tensors and metadata gives back the same bytes: same
/// tensor order, header order, escaping and padding as the Python library.
@Test(arguments: ["bn_train", "cross_entropy", "basic_block", "trajectory_adam"])
func safeTensorsWritesLikePython(_ name: String) throws {
  let path = fixtures + "/\(name).safetensors"
  let file = try SafeTensorsFile.read(path: path)
  var writer = SafeTensorsWriter()
  writer.metadata = file.metadata
  for tensor in file.names {
    let (dtype, shape) = try #require(file.info(tensor))
    if dtype == "I64" {
      writer.add(tensor, int64s: try file.int64s(tensor), shape: shape)
    } else {
      writer.add(tensor, floats: try file.floats(tensor), shape: shape)
    }
  }
  let original = try #require(FileManager.default.contents(atPath: path))
  #expect(writer.bytesForTesting() == [UInt8](original))
}

extension SafeTensorsWriter {
  /// The bytes `write(to:)` would store, through a real file so only public API is used.
  fileprivate func bytesForTesting() -> [UInt8] {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("safetensors-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      try write(to: path)
      return [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    } catch {
      Issue.record("write failed: \(error)")
      return []
    }
  }
}

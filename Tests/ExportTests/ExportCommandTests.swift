import DigitsExport
import DigitsModels
import DigitsNN
import Foundation
import TestSupport
import Testing

/// `digits export` as a process: it writes what the library writes, and bad input ends with one
/// line on stderr naming the cause, a non-zero status, and nothing at --out.
@Suite struct ExportCommandTests {
  static let checkpoint = Fixture.fixturesDirectory + "/checkpoint_tiny.safetensors"

  private func export(_ arguments: [String]) throws -> DigitsProcess.Result {
    try DigitsProcess.run(["export"] + arguments)
  }

  /// The folder's entries: a failed export must leave no file, temporary ones included.
  private func entries(_ folder: TemporaryFolder) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  @Test(arguments: [nil, 11])
  func writesWhatTheLibraryWrites(opset: Int?) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // An existing file is replaced.
    let out = try folder.write(Array("old".utf8), to: "model.onnx")
    let result = try export(
      ["--checkpoint", Self.checkpoint, "--format", "onnx", "--out", out]
        + (opset.map { ["--opset", "\($0)"] } ?? []))
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    #expect(result.stdout.contains(out) && result.stdout.contains("opset \(opset ?? 17)"))
    let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
    let classifier = try Classifier.load(path: Self.checkpoint)
    #expect(written == (try ONNXExport.serialize(classifier, opset: opset ?? ONNXOpset.defaultVersion)))
    #expect(try entries(folder) == ["model.onnx"])
  }

  @Test func checkpointThatIsNoResNetIsNamedAndTheOldFileKept() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var writer = SafeTensorsWriter()
    writer.add("encoder.weight", floats: [1, 2, 3, 4], shape: [2, 2])
    let checkpoint = folder.path + "/encoder.safetensors"
    try writer.write(to: checkpoint)
    let out = try folder.write(Array("old".utf8), to: "model.onnx")
    expectOneLineFailure(
      try export(["--checkpoint", checkpoint, "--format", "onnx", "--out", out]),
      mentioning: ["encoder.safetensors", "not a torchvision ResNet"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data("old".utf8))
    #expect(try entries(folder) == ["encoder.safetensors", "model.onnx"])
  }

  @Test func missingCheckpointIsNamed() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    expectOneLineFailure(
      try export([
        "--checkpoint", folder.path + "/missing.safetensors", "--format", "onnx", "--out",
        folder.path + "/m.onnx",
      ]),
      mentioning: ["missing.safetensors"])
    #expect(try entries(folder).isEmpty)
  }

  /// A folder that does not exist, a parent that is a file, and an existing folder as --out.
  @Test(arguments: ["absent/model.onnx", "file/model.onnx", "folder"])
  func unwritableOutIsNamedAndLeavesNothing(out: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write([], to: "file")
    try FileManager.default.createDirectory(
      atPath: folder.path + "/folder", withIntermediateDirectories: false)
    let before = try entries(folder)
    expectOneLineFailure(
      try export(["--checkpoint", Self.checkpoint, "--format", "onnx", "--out", folder.path + "/" + out]),
      mentioning: [out])
    #expect(try entries(folder) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/folder").isEmpty)
  }

  @Test(arguments: [
    (["--format", "tflite"], ["tflite"]),
    (["--format", "onnx", "--opset", "8"], ["--opset", "8"]),
    (["--format", "onnx", "--opset", "29"], ["--opset", "29"]),
    ([], ["--format"]),
  ])
  func badFlagIsOneLine(flags: [String], mentions: [String]) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    expectOneLineFailure(
      try export(["--checkpoint", Self.checkpoint, "--out", folder.path + "/model.onnx"] + flags),
      mentioning: mentions)
    #expect(try entries(folder).isEmpty)
  }

  @Test func helpSaysWhatTheGraphTakesAndGives() throws {
    let result = try export(["--help"])
    #expect(result.status == 0)
    let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for phrase in [
      "(values: onnx)", "--opset", "[0, 1]", "normalisation", "logits", "folded", "BatchNormalization",
    ] {
      #expect(help.contains(phrase), "--help lacks \(phrase)")
    }
  }
}

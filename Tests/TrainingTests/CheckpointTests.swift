import DigitsModels
import DigitsNN
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// Checkpoints against a PyTorch-written state_dict (Tests/Fixtures/checkpoint_tiny*.safetensors):
/// loading, the eval-mode forward, saving back in exactly PyTorch's names, shapes and dtypes, and
/// errors that name the offending tensor.
@Suite struct CheckpointTests {
  static let tinyPath = Fixture.fixturesDirectory + "/checkpoint_tiny.safetensors"

  @Test func loadedCheckpointMatchesTorchLogits() throws {
    let classifier = try Classifier.load(path: Self.tinyPath)
    #expect(classifier.model.classes == 10 && classifier.model.inputChannels == 1)
    #expect(classifier.model.architecture == nil)
    let io = try Fixture.load("checkpoint_tiny_io")
    let output = classifier.model.forward(try io.activation("x"), context: ExecutionContext(training: false))
    let report = ParityReport(
      "checkpoint_tiny eval logits", actual: output.array, expected: try io.activationValues("out"))
    #expect(report.passed, "max|Δ| \(report.maxDifference) > \(report.tolerance)")
  }

  @Test func savedCheckpointEqualsTheTorchOne() throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    let original = try SafeTensorsFile.read(path: Self.tinyPath)
    let saved = directory.path + "/saved.safetensors"
    try Classifier.load(path: Self.tinyPath).save(to: saved)
    let reread = try SafeTensorsFile.read(path: saved)

    // The same names, shapes and dtypes: what load_state_dict(strict=True) checks.
    #expect(reread.names == original.names)
    for name in original.names {
      let (dtype, shape) = try #require(original.info(name))
      #expect(reread.info(name)?.dtype == dtype, "\(name)")
      #expect(reread.info(name)?.shape == shape, "\(name)")
      if dtype == "I64" {
        #expect(try reread.int64s(name) == original.int64s(name), "\(name)")
      } else {
        #expect(try reread.floats(name) == original.floats(name), "\(name)")
      }
    }
    #expect(reread.metadata["producer"] == "digits")
    #expect(reread.metadata["normalization_mean"] == "0.1307")
    #expect(
      try Classifier.load(path: saved).model.parameterCount
        == ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false).parameterCount)
  }

  @Test func otherArchitectureNamesAMissingTensor() throws {
    let file = try SafeTensorsFile.read(path: Self.tinyPath)
    let model = ResNet(.resnet18)
    let missing = Set((model.parameters.slots + model.buffers.slots).map(\.name)).subtracting(file.names)
    let error = #expect(throws: SafeTensorsError.self) { try model.load(from: file) }
    let description = try #require(error).description
    #expect(missing.contains { description.contains("\"\($0)\"") }, "\(description)")
    #expect(description.contains("checkpoint_tiny.safetensors"))
  }

  @Test func reshapedTensorIsNamed() throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    let original = try SafeTensorsFile.read(path: Self.tinyPath)
    var writer = SafeTensorsWriter()
    writer.metadata = original.metadata
    let reshaped = "layer2.0.bn1.running_mean"
    for name in original.names {
      let (dtype, shape) = try #require(original.info(name))
      if dtype == "I64" {
        writer.add(name, int64s: try original.int64s(name), shape: shape)
      } else {
        writer.add(name, floats: try original.floats(name), shape: name == reshaped ? [2, 64] : shape)
      }
    }
    let path = directory.path + "/reshaped.safetensors"
    try writer.write(to: path)
    let error = #expect(throws: SafeTensorsError.self) { _ = try Classifier.load(path: path) }
    #expect(error?.kind == .wrongShape)
    #expect(error?.description.contains("\"\(reshaped)\"") == true, "\(String(describing: error))")
    #expect(error?.description.contains("reshaped.safetensors") == true)
  }
}

import DigitsModels
import DigitsNN
import DigitsTraining
import Testing

/// The GFLOP/s `digits bench` reports rest on this count: PyTorch's flop counter gives
/// 139 / 156 MFLOP per 28x28 image forward for the 1-channel ResNet34 / ResNet50, so a
/// training step (forward + backward) is 417 / 467 MFLOP per image.
@Suite struct BenchmarkFLOPTests {
  @Test(arguments: [(ResNetArchitecture.resnet34, 417e6), (.resnet50, 467e6)])
  func trainingFLOPsMatchPyTorchsCount(_ architecture: ResNetArchitecture, expected: Double) {
    let model = ResNet(architecture)
    _ = model.forward(
      Tensor(batch: 1, height: 28, width: 28, channels: 1), context: ExecutionContext(training: false))
    let flops = Benchmark.trainingFLOPsPerImage(model)
    #expect(abs(flops - expected) / expected < 0.005, "\(flops)")
  }
}

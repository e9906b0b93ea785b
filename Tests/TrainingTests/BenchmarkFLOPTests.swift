import DigitsModels
import DigitsNN
import DigitsTraining
import Testing

/// The GFLOP/s `digits bench` reports and the report's compute ratios rest on this count:
/// PyTorch's flop counter gives 139 / 156 MFLOP per 28x28 image forward for the 1-channel
/// ResNet34 / ResNet50, so a training step (forward + backward) is 417 / 467 MFLOP per image.
@Suite struct BenchmarkFLOPTests {
  @Test(arguments: [(ResNetArchitecture.resnet34, 417e6), (.resnet50, 467e6)])
  func trainingFLOPsMatchPyTorchsCount(_ architecture: ResNetArchitecture, expected: Double) {
    let flops = Benchmark.trainingFLOPsPerImage(architecture, stem: .standard)
    #expect(abs(flops - expected) / expected < 0.005, "\(flops)")
  }

  /// Without the max-pool, ResNet34's stages run on 14, 7, 4 and 2 pixel maps instead of 7, 4, 2
  /// and 1: counted by hand, 260,044,032 multiply-adds per image forward (the stem's 614,656 and
  /// the classifier's 5,120 unchanged), against 69,653,760 with the max-pool.
  @Test func theStemWithoutMaxPoolCountsItsLargerMaps() {
    let flops = Benchmark.trainingFLOPsPerImage(.resnet34, stem: .nomaxpool)
    #expect(flops == 6 * 260_044_032)
    #expect(Benchmark.trainingFLOPsPerImage(.resnet34, stem: .standard) == 6 * 69_653_760)
  }
}

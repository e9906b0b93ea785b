import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import DigitsTraining
import TestSupport
import Testing

/// `digits bench --profile`'s roofline: each operation shape's rate against the roof its FLOPs
/// per byte allow, and FLOPs that add up to the network's count.
@Suite struct RooflineTests {
  let peak = MachinePeak(sgemmGflops: 100, bandwidthGBPerS: 10)

  @Test func rowsJoinBothDirectionsAndRankByShare() {
    let profile = OperationProfile()
    // A conv of 80 FLOPs per byte (compute-bound at a balance of 10): 2 GFLOP in 0.04 s.
    profile.add(
      row: "conv", direction: "forward", seconds: 0.01, work: OperationWork(flops: 0.5e9, bytes: 6.25e6),
      detail: "winograd")
    profile.add(
      row: "conv", direction: "backward", seconds: 0.03, work: OperationWork(flops: 1.5e9, bytes: 18.75e6),
      detail: "im2colGemm")
    // An element-wise pass: 0.1 GB in 0.02 s.
    profile.add(
      row: "batch norm", direction: "forward", seconds: 0.02, work: .floats(25_000_000), detail: nil)
    let rows = RooflineRow.rows(from: profile, steps: 1, stepSeconds: 0.1, peak: peak)
    #expect(rows.map(\.operation) == ["conv", "batch norm"])
    let conv = rows[0]
    #expect(conv.algorithm == "im2colGemm/winograd")
    #expect(conv.layers == 1)
    #expect(abs(conv.milliseconds - 40) < 1e-9)
    #expect(abs(conv.share - 0.4) < 1e-9)
    #expect(abs(conv.gflops - 50) < 1e-9)
    #expect(abs(conv.intensity - 80) < 1e-9)
    #expect(abs(conv.roofFraction - 0.5) < 1e-9)
    #expect(conv.bound == "compute")
    let norm = rows[1]
    #expect(abs(norm.gbPerS - 5) < 1e-9)
    #expect(abs(norm.roofFraction - 0.5) < 1e-9)
    #expect(norm.bound == "memory")
  }

  /// Over one real training step, the conv and linear rows hold PyTorch's count of the network's
  /// training FLOPs, but for the stem's input gradient, which nothing needs and nobody computes.
  @Test func aStepsFLOPsAddUpToTheNetworksCount() {
    let model = ResNet(.resnet18, classes: 10, stem: .standard)
    var random = TestRandom(seed: 5)
    model.initialize(using: &random)
    let context = ExecutionContext(training: true)
    let profile = OperationProfile()
    context.profile = profile
    let batch = 2
    let logits = model.forward(
      Tensor(random.floats(batch * 28 * 28), batch: batch, height: 28, width: 28, channels: 1),
      context: context)
    _ = model.backward(Tensor(random.floats(logits.count), batch: batch, channels: 10), context: context)
    let computed = profile.rows.filter { $0.key.row.hasPrefix("conv") || $0.key.row == "linear" }
      .reduce(0) { $0 + $1.value.flops }
    let stemMACs = 14.0 * 14 * 64 * 7 * 7
    let expected = Benchmark.trainingFLOPsPerImage(model) - 2 * stemMACs
    #expect(computed / Double(batch) == expected)
    let rows = RooflineRow.rows(from: profile, steps: 1, stepSeconds: 1, peak: peak)
    #expect(rows.first { $0.operation == "batch norm" }?.layers == 20)
    #expect(rows.first { $0.operation == "conv 3x3 s1 64→64 @7x7" }?.layers == 4)
  }

  /// Inference's roofline (`Evaluator.profile`): forward passes only, each BatchNorm inside its
  /// conv's row, and the conv and linear rows hold PyTorch's forward count; the multiply-adds
  /// inference computes (the ceiling's count) are fewer, by what Winograd and the valid taps skip.
  @Test func inferenceRowsHoldTheForwardCount() throws {
    let model = ResNet(.resnet18, classes: 10, stem: .standard)
    var random = TestRandom(seed: 6)
    model.initialize(using: &random)
    let images = 3
    let data = LabeledImages(
      rows: 28, cols: 28, pixels: (0..<images * 28 * 28).map { UInt8($0 % 251) }, labels: [1, 2, 3])
    let evaluator = Evaluator(batchSize: images)
    let profile = OperationProfile()
    evaluator.profile = profile
    _ = try evaluator.evaluate(model, data: data, normalization: .mnist)
    #expect(Set(profile.rows.keys.map(\.direction)) == ["forward"])
    #expect(!profile.rows.keys.contains { $0.row == "batch norm" })
    let counted =
      profile.rows.filter { $0.key.row.hasPrefix("conv") || $0.key.row == "linear" }
      .reduce(0) { $0 + $1.value.flops } / Double(images)
    #expect(counted == Benchmark.trainingFLOPsPerImage(model) / 3)
    // Multiply-adds by layer: the stem's 92² taps inside the image (per axis 4 + 6 + 11 · 7 + 5)
    // · 64; layer1's four Winograd convs, 4 tiles · 36 · 64²; layer2: 100 valid taps · 64 · 128,
    // one 4x4 tile · 36 · 128² three times, the 1x1 shortcut 16 · 64 · 128; layer3: 25 taps ·
    // 128 · 256, 9 · 256² three times, 4 · 128 · 256; layer4: 4 taps · 256 · 512, the centre tap
    // · 512² three times, 256 · 512; fc 512 · 10.
    let multiplyAdds =
      92 * 92 * 64 + 4 * 4 * 36 * 64 * 64
      + (100 * 64 * 128 + 3 * 36 * 128 * 128 + 16 * 64 * 128)
      + (25 * 128 * 256 + 3 * 9 * 256 * 256 + 4 * 128 * 256)
      + (4 * 256 * 512 + 3 * 512 * 512 + 256 * 512) + 512 * 10
    #expect(Benchmark.inferenceExecutedFLOPsPerImage(model) == Double(2 * multiplyAdds))
    #expect(Double(2 * multiplyAdds) < 0.3 * counted)
  }
}

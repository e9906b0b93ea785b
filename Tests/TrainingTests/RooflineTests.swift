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
}

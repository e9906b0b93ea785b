import DigitsNN
import TestSupport
import Testing

/// A profile files each leaf layer's time under its kind and direction, and a conv's under its
/// algorithm too (what `digits bench --profile` prints per row).
@Suite struct OperationProfileTests {
  @Test func convTimeGoesUnderItsAlgorithm() {
    let arena = ParameterArena()
    let network = Sequential([
      // 3x3, stride 1 on 7x7: Winograd; 3x3, stride 2 from 7x7 to 4x4: the valid taps.
      Conv2d(arena, name: "a", inputChannels: 2, outputChannels: 4, kernelSize: 3, padding: 1), ReLU(),
      Conv2d(arena, name: "b", inputChannels: 4, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1),
    ])
    arena.finalize()
    var random = TestRandom(seed: 8)
    arena.values.update(from: random.floats(arena.count), count: arena.count)
    let context = ExecutionContext(training: true)
    let profile = OperationProfile()
    context.profile = profile
    let input = Tensor(random.floats(2 * 7 * 7 * 2), batch: 2, height: 7, width: 7, channels: 2)
    let output = network.forward(input, context: context)
    _ = network.backward(
      Tensor(random.floats(output.count), batch: 2, height: 4, width: 4, channels: 3), context: context)
    #expect(
      Set(profile.seconds.keys) == [
        "conv forward: winograd", "conv forward: validTaps", "relu / residual forward",
        "conv backward: winograd", "conv backward: validTaps", "relu / residual backward",
      ])
    // The roofline rows: each conv by its geometry, 2 FLOPs per multiply-add forward and twice
    // that backward (input and weight gradients), every tensor touched counted once.
    let first = profile.rows[.init(row: "conv 3x3 s1 2→4 @7x7", direction: "forward")]
    let firstMACs = Double(2 * 7 * 7 * 4 * (3 * 3 * 2))
    #expect(first?.flops == 2 * firstMACs)
    #expect(first?.bytes == Double(4 * (2 * 7 * 7 * 2 + 4 * 3 * 3 * 2 + 2 * 7 * 7 * 4)))
    #expect(first?.detail == "winograd")
    #expect(first?.calls == 1)
    #expect(profile.rows[.init(row: "conv 3x3 s1 2→4 @7x7", direction: "backward")]?.flops == 4 * firstMACs)
    let second = profile.rows[.init(row: "conv 3x3 s2 4→3 @7x7", direction: "forward")]
    #expect(second?.flops == Double(2 * 2 * 4 * 4 * 3 * (3 * 3 * 4)))
    #expect(second?.detail == "validTaps")
    let relu = profile.rows[.init(row: "relu / residual", direction: "forward")]
    let reluFloats = 2 * 2 * 7 * 7 * 4
    #expect(relu?.bytes == Double(4 * reluFloats))
  }

  /// A network's first conv computes no input gradient, so its backward counts only the weight
  /// gradient's FLOPs.
  @Test func theFirstConvsBackwardCountsTheWeightGradientOnly() {
    let arena = ParameterArena()
    let conv = Conv2d(arena, name: "a", inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1)
    conv.computesInputGradient = false
    arena.finalize()
    let context = ExecutionContext(training: true)
    let profile = OperationProfile()
    context.profile = profile
    var random = TestRandom(seed: 3)
    let network = Sequential([conv])
    let output = network.forward(
      Tensor(random.floats(25), batch: 1, height: 5, width: 5, channels: 1), context: context)
    _ = network.backward(
      Tensor(random.floats(output.count), batch: 1, height: 5, width: 5, channels: 2), context: context)
    let key = "conv 3x3 s1 1→2 @5x5"
    #expect(
      profile.rows[.init(row: key, direction: "backward")]?.flops
        == profile.rows[.init(row: key, direction: "forward")]?.flops)
  }
}

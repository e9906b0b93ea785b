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
  }
}

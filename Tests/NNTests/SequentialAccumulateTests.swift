import DigitsNN
import TestSupport
import Testing

/// A residual block's branch adds its input gradient onto the shortcut's gradient: the result
/// must be the plain input gradient plus what the target held, whether the first layer is a conv
/// (summed inside its GEMM) or anything else (summed after).
@Suite struct SequentialAccumulateTests {
  @Test(arguments: [true, false])
  func accumulatedInputGradientIsPlainPlusTarget(convFirst: Bool) {
    let arena = ParameterArena()
    let conv = Conv2d(arena, name: "conv", inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1)
    arena.finalize()
    var random = TestRandom(seed: 3)
    arena.values.update(from: random.floats(arena.count), count: arena.count)
    let branch = Sequential(convFirst ? [conv, ReLU()] : [ReLU(), conv])
    let context = ExecutionContext(training: true)
    let input = Tensor(random.floats(2 * 5 * 5 * 3, in: -1..<1), batch: 2, height: 5, width: 5, channels: 3)
    let output = branch.forward(input, context: context)
    let gradOutput = Tensor(random.floats(output.count), batch: 2, height: 5, width: 5, channels: 4)

    let plain = branch.backward(gradOutput, context: context).array
    let held = random.floats(input.count)
    let target = Tensor(held, batch: 2, height: 5, width: 5, channels: 3)
    let returned = branch.backward(gradOutput, accumulatingInputGradientInto: target, context: context)
    #expect(returned === target)
    #expect(maxAbsDifference(target.array, zip(plain, held).map { $0 + $1 }) < 1e-5)
  }
}

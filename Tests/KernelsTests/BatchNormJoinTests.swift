import DigitsKernels
import TestSupport
import Testing

/// A residual block's join written by its last norm, relu(norm(x) + residual), against the norm
/// and then `addReluForward` over its output: the same sums, so the same bits, with channels that
/// do not fill 8 lanes.
@Suite struct BatchNormJoinTests {
  @Test func joinInTheNormEqualsNormThenJoin() {
    let (rows, channels) = (37, 11)
    var random = TestRandom(seed: 7)
    let x = random.floats(rows * channels, in: -3..<3)
    let residual = random.floats(rows * channels, in: -2..<2)
    let mean = random.floats(channels, in: -0.5..<0.5)
    let invStd = random.floats(channels, in: 0.5..<2)
    let gamma = random.floats(channels, in: 0.5..<1.5)
    let beta = random.floats(channels, in: -0.3..<0.3)
    var separate = [Float](repeating: .nan, count: x.count)
    batchNormApply(
      output: &separate, input: x, mean: mean, invStd: invStd, gamma: gamma, beta: beta, rows: rows,
      channels: channels, relu: false)
    separate.withUnsafeMutableBufferPointer { out in
      addReluForward(output: out.baseAddress!, out.baseAddress!, residual, count: x.count)
    }
    var joined = [Float](repeating: .nan, count: x.count)
    batchNormApply(
      output: &joined, input: x, mean: mean, invStd: invStd, gamma: gamma, beta: beta, rows: rows,
      channels: channels, relu: true, residual: residual)
    #expect(joined == separate)
    #expect(joined.contains(0) && joined.contains { $0 > 0 })
  }
}

/// The backward's fused-ReLU mask, found again from the input, against the mask of the
/// forward's own output (a ReLU backward over `batchNormApply`'s result, then the norm's backward
/// without ReLU), bit for bit, on inputs at and around the kink: rows equal to the mean where
/// beta is 0 (the output exactly 0), and rows a few ulps either side of where it crosses 0.
@Suite struct BatchNormReLUMaskTests {
  @Test(arguments: [true, false])
  func maskFromTheInputIsTheForwardsMask(training: Bool) {
    let (rows, channels) = (40, 11)
    var random = TestRandom(seed: 9)
    let mean = random.floats(channels, in: -0.5..<0.5)
    let invStd = random.floats(channels, in: 0.5..<2)
    let gamma = random.floats(channels, in: 0.5..<1.5)
    let beta = (0..<channels).map { $0 % 3 == 0 ? 0 : Float.random(in: -0.3..<0.3, using: &random) }
    var x = [Float](repeating: 0, count: rows * channels)
    for row in 0..<rows {
      for c in 0..<channels {
        let kink = mean[c] - beta[c] / (gamma[c] * invStd[c])
        var value = row % 4 == 0 ? mean[c] : kink
        for _ in 0..<(row % 7) { value = row % 2 == 0 ? value.nextUp : value.nextDown }
        x[row * channels + c] = value
      }
    }
    let gradOutput = random.floats(rows * channels)
    var output = [Float](repeating: 0, count: x.count)
    batchNormApply(
      output: &output, input: x, mean: mean, invStd: invStd, gamma: gamma, beta: beta, rows: rows,
      channels: channels, relu: true)
    #expect(output.contains(0) && output.contains { $0 > 0 })
    var masked = [Float](repeating: 0, count: x.count)
    reluBackward(gradInput: &masked, gradOutput: gradOutput, output: output, count: x.count)
    func backward(_ gradient: [Float], relu: Bool) -> [Float] {
      var (gradX, gradGamma, gradBeta) = (
        [Float](repeating: 0, count: x.count), [Float](repeating: 0, count: channels),
        [Float](repeating: 0, count: channels)
      )
      batchNormBackward(
        gradInput: &gradX, gradGamma: &gradGamma, gradBeta: &gradBeta, gradOutput: gradient, input: x,
        mean: mean,
        invStd: invStd, gamma: gamma, beta: beta, rows: rows, channels: channels, relu: relu,
        training: training)
      return gradX + gradGamma + gradBeta
    }
    #expect(backward(gradOutput, relu: true) == backward(masked, relu: false))
  }
}

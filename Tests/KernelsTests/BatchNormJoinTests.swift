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

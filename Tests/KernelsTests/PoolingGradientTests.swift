import DigitsKernels
import TestSupport
import Testing

/// Max-pool, global average pool, ReLU and the residual add+ReLU against finite differences.
/// Max-pool inputs are a shuffled ladder of distinct values 0.05 apart, so a step of 1e-3
/// never changes which element wins; ReLU inputs stay 0.05 away from zero.
@Suite struct PoolingGradientTests {
  let g = PoolGeometry(batch: 2, height: 7, width: 6, channels: 3, kernel: 3, stride: 2, padding: 1)

  func ladder(_ count: Int, seed: UInt64) -> [Float] {
    var random = TestRandom(seed: seed)
    return (0..<count).map { Float($0) * 0.05 - 3 }.shuffled(using: &random)
  }

  func maxPool(_ x: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: g.outputCount)
    var argmax = [Int32](repeating: 0, count: g.outputCount)
    maxPoolForward(output: &out, argmax: &argmax, input: x, geometry: g)
    return out
  }

  @Test func maxPoolGradientMatchesFiniteDifferences() {
    let x = ladder(g.inputCount, seed: 3)
    var random = TestRandom(seed: 4)
    let r = random.floats(g.outputCount)
    var out = [Float](repeating: 0, count: g.outputCount)
    var argmax = [Int32](repeating: 0, count: g.outputCount)
    maxPoolForward(output: &out, argmax: &argmax, input: x, geometry: g)
    var gradX = [Float](repeating: 0, count: g.inputCount)
    maxPoolBackward(gradInput: &gradX, gradOutput: r, argmax: argmax, geometry: g)
    #expect(finiteDifferenceError(at: x, analytic: gradX, step: 1e-3) { weightedSum(maxPool($0), r) } < 1e-2)
  }

  @Test func maxPoolPadsWithNegativeInfinity() {
    // All inputs negative: a zero-padded pool would return 0 at the border.
    let single = PoolGeometry(batch: 1, height: 2, width: 2, channels: 1, kernel: 3, stride: 2, padding: 1)
    var out: [Float] = [0]
    var argmax: [Int32] = [0]
    maxPoolForward(output: &out, argmax: &argmax, input: [-5, -4, -3, -2], geometry: single)
    #expect(out == [-2] && argmax == [3])
  }

  @Test func globalAveragePoolGradientMatchesFiniteDifferences() {
    var random = TestRandom(seed: 5)
    let (batch, spatial, channels) = (2, 6, 3)
    let x = random.floats(batch * spatial * channels)
    let r = random.floats(batch * channels)
    func pool(_ x: [Float]) -> [Float] {
      var out = [Float](repeating: 0, count: batch * channels)
      globalAvgPoolForward(output: &out, input: x, batch: batch, spatial: spatial, channels: channels)
      return out
    }
    var gradX = [Float](repeating: 0, count: x.count)
    globalAvgPoolBackward(
      gradInput: &gradX, gradOutput: r, batch: batch, spatial: spatial, channels: channels)
    #expect(finiteDifferenceError(at: x, analytic: gradX) { weightedSum(pool($0), r) } < 1e-2)
  }

  @Test func reluAndResidualGradientsMatchFiniteDifferences() {
    var random = TestRandom(seed: 6)
    let a = random.floats(40).map { $0 < 0 ? $0 - 0.05 : $0 + 0.05 }
    let r = random.floats(40)
    func relu(_ x: [Float]) -> [Float] {
      var out = [Float](repeating: 0, count: x.count)
      reluForward(output: &out, input: x, count: x.count)
      return out
    }
    var gradA = [Float](repeating: 0, count: 40)
    reluBackward(gradInput: &gradA, gradOutput: r, output: relu(a), count: 40)
    #expect(finiteDifferenceError(at: a, analytic: gradA, step: 1e-3) { weightedSum(relu($0), r) } < 1e-2)

    // Residual join: max(a + b, 0) passes the same masked gradient to both branches.
    let b = [Float](repeating: 0, count: 40)
    var joined = [Float](repeating: 0, count: 40)
    addReluForward(output: &joined, a, b, count: 40)
    #expect(joined == relu(a))
  }
}

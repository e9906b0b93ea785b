import DigitsKernels
import TestSupport
import Testing

/// The batch statistics in one pass (blocks of 64 rows merged by Chan's update, then the
/// workers') against a two-pass sum in Double: over many blocks, a last one partial, channels
/// that do not fill 8 lanes, one worker and two (3,000 x 13 values are enough for two), and means far from zero against their spread,
/// where E[x²] - mean² would lose the variance.
@Suite struct BatchNormStatisticsTests {
  @Test(arguments: [1, 2])
  func matchTwoPassSums(workers: Int) {
    let (rows, channels) = (3_000, 13)
    var random = TestRandom(seed: 41)
    let x = random.floats(rows * channels).enumerated().map { index, value in
      value * Float(1 + index % channels) + 1_000 * Float(index % channels % 3)
    }
    var (mean, variance) = (
      [Float](repeating: .nan, count: channels), [Float](repeating: .nan, count: channels)
    )
    Workers.run(workers) {
      batchNormStatistics(mean: &mean, variance: &variance, input: x, rows: rows, channels: channels)
    }
    for c in 0..<channels {
      let column = stride(from: c, to: x.count, by: channels).map { Double(x[$0]) }
      let exactMean = column.reduce(0, +) / Double(rows)
      let exactVariance = column.reduce(0) { $0 + ($1 - exactMean) * ($1 - exactMean) } / Double(rows)
      #expect(abs(Double(mean[c]) - exactMean) <= 1e-6 * max(1, abs(exactMean)), "channel \(c)")
      #expect(abs(Double(variance[c]) - exactVariance) <= 1e-5 * exactVariance, "channel \(c)")
    }
  }
}

import DigitsKernels
import TestSupport
import Testing

/// BatchNorm backward (train and eval, with and without the fused ReLU) against central
/// finite differences of Σ out · r; inputs are kept away from the ReLU kink.
@Suite struct NormalizationGradientTests {
  let rows = 12
  let channels = 3

  /// Mean and 1/sqrt(var + eps): the batch's in training, fixed running values in eval.
  func statistics(_ x: [Float], training: Bool) -> (mean: [Float], invStd: [Float]) {
    var mean = [Float](repeating: 0.2, count: channels)
    var variance = [Float](repeating: 1.5, count: channels)
    if training {
      batchNormStatistics(mean: &mean, variance: &variance, input: x, rows: rows, channels: channels)
    }
    var invStd = [Float](repeating: 0, count: channels)
    batchNormInverseStd(&invStd, variance: variance, channels: channels, eps: 1e-5)
    return (mean, invStd)
  }

  func forward(_ x: [Float], gamma: [Float], beta: [Float], training: Bool, relu: Bool) -> [Float] {
    let (mean, invStd) = statistics(x, training: training)
    var out = [Float](repeating: 0, count: x.count)
    batchNormApply(
      output: &out, input: x, mean: mean, invStd: invStd, gamma: gamma, beta: beta, rows: rows,
      channels: channels, relu: relu)
    return out
  }

  @Test(arguments: [(true, false), (true, true), (false, false), (false, true)])
  func gradientsMatchFiniteDifferences(training: Bool, relu: Bool) {
    var random = TestRandom(seed: 11)
    let x = random.floats(rows * channels, in: -2..<2)
    let gamma = random.floats(channels, in: 0.5..<1.5)
    let beta = random.floats(channels, in: -0.3..<0.3)
    let r = random.floats(rows * channels)

    let (mean, invStd) = statistics(x, training: training)
    var gradX = [Float](repeating: 0, count: x.count)
    var gradGamma = [Float](repeating: 0, count: channels)
    var gradBeta = [Float](repeating: 0, count: channels)
    batchNormBackward(
      gradInput: &gradX, gradGamma: &gradGamma, gradBeta: &gradBeta, gradOutput: r, input: x, mean: mean,
      invStd: invStd, gamma: gamma, beta: beta, rows: rows, channels: channels, relu: relu, training: training
    )

    let step: Float = 1e-3
    let lossOfX = { (x: [Float]) in
      weightedSum(forward(x, gamma: gamma, beta: beta, training: training, relu: relu), r)
    }
    #expect(finiteDifferenceError(at: x, analytic: gradX, step: step, loss: lossOfX) < 2e-2)
    #expect(
      finiteDifferenceError(at: gamma, analytic: gradGamma, step: step) {
        weightedSum(forward(x, gamma: $0, beta: beta, training: training, relu: relu), r)
      } < 2e-2)
    #expect(
      finiteDifferenceError(at: beta, analytic: gradBeta, step: step) {
        weightedSum(forward(x, gamma: gamma, beta: $0, training: training, relu: relu), r)
      } < 2e-2)
  }

  @Test func statisticsUseTheBiasedVarianceAndRunningUsesTheUnbiased() {
    // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
    let x: [Float] = [1, 2, 3, 4]
    var mean: [Float] = [0]
    var variance: [Float] = [0]
    batchNormStatistics(mean: &mean, variance: &variance, input: x, rows: 4, channels: 1)
    #expect(mean == [2.5] && variance == [1.25])
    var runningMean: [Float] = [0]
    var runningVariance: [Float] = [1]
    batchNormUpdateRunning(
      runningMean: &runningMean, runningVariance: &runningVariance, mean: mean, variance: variance, rows: 4,
      channels: 1, momentum: 0.1)
    #expect(abs(runningMean[0] - 0.25) < 1e-7)
    #expect(abs(runningVariance[0] - (0.9 + 0.1 * 5 / 3)) < 1e-6)
  }
}

import DigitsKernels
import TestSupport
import Testing

/// Linear and softmax cross-entropy (with and without label smoothing) against finite
/// differences, and the loss against values worked out by hand.
@Suite struct LinearLossGradientTests {
  @Test func linearGradientsMatchFiniteDifferences() {
    let (batch, inputs, outputs) = (3, 5, 4)
    var random = TestRandom(seed: 9)
    let x = random.floats(batch * inputs)
    let w = random.floats(outputs * inputs)
    let b = random.floats(outputs)
    let r = random.floats(batch * outputs)
    func forward(_ x: [Float], _ w: [Float], _ b: [Float]) -> [Float] {
      var out = [Float](repeating: 0, count: batch * outputs)
      linearForward(
        output: &out, input: x, weight: w, bias: b, batch: batch, inFeatures: inputs, outFeatures: outputs)
      return out
    }
    var gradX = [Float](repeating: 0, count: x.count)
    var gradW = [Float](repeating: 0, count: w.count)
    var gradB = [Float](repeating: 0, count: b.count)
    linearBackward(
      gradInput: &gradX, gradWeight: &gradW, gradBias: &gradB, gradOutput: r, input: x, weight: w,
      batch: batch,
      inFeatures: inputs, outFeatures: outputs)
    #expect(finiteDifferenceError(at: x, analytic: gradX) { weightedSum(forward($0, w, b), r) } < 1e-2)
    #expect(finiteDifferenceError(at: w, analytic: gradW) { weightedSum(forward(x, $0, b), r) } < 1e-2)
    #expect(finiteDifferenceError(at: b, analytic: gradB) { weightedSum(forward(x, w, $0), r) } < 1e-2)
  }

  @Test(arguments: [Float(0), 0.1])
  func crossEntropyGradientMatchesFiniteDifferences(smoothing: Float) {
    let (batch, classes) = (4, 10)
    var random = TestRandom(seed: 10)
    let logits = random.floats(batch * classes, in: -3..<3)
    let labels: [Int32] = [3, 0, 9, 3]
    func loss(_ logits: [Float]) -> Double {
      var probabilities = [Float](repeating: 0, count: logits.count)
      return Double(
        crossEntropyForward(
          probabilities: &probabilities, logits: logits, labels: labels, batch: batch, classes: classes,
          labelSmoothing: smoothing))
    }
    var probabilities = [Float](repeating: 0, count: logits.count)
    _ = crossEntropyForward(
      probabilities: &probabilities, logits: logits, labels: labels, batch: batch, classes: classes,
      labelSmoothing: smoothing)
    var grad = [Float](repeating: 0, count: logits.count)
    crossEntropyBackward(
      gradLogits: &grad, probabilities: probabilities, labels: labels, batch: batch, classes: classes,
      labelSmoothing: smoothing)
    #expect(finiteDifferenceError(at: logits, analytic: grad, step: 1e-2, loss: loss) < 1e-2)
  }

  @Test func crossEntropyOfUniformLogitsIsLogK() {
    // Equal logits: p = 1/10 for every class, so the loss is ln 10 with or without smoothing.
    var probabilities = [Float](repeating: 0, count: 20)
    let loss = crossEntropyForward(
      probabilities: &probabilities, logits: [Float](repeating: 0.5, count: 20), labels: [1, 7], batch: 2,
      classes: 10, labelSmoothing: 0.1)
    #expect(abs(loss - Float(2.302585)) < 1e-6)
    #expect(probabilities.allSatisfy { abs($0 - 0.1) < 1e-7 })
  }
}

import DigitsNN
import TestSupport
import Testing

/// The comparison helpers every parity and gradient test relies on must fail a NaN or an
/// infinity: comparisons with NaN are false, so a plain max(worst, |a - b|) skips it and a
/// kernel that writes NaN (or nothing, into a NaN-filled buffer) would pass.
@Suite struct ParityCheckTests {
  /// A layer whose results are overwritten with `value` after the real layer has run: in every
  /// element, or in one.
  private final class Poisoned: Layer {
    let inner: any Layer
    let value: Float?
    let everywhere: Bool

    init(_ inner: any Layer, value: Float?, everywhere: Bool) {
      (self.inner, self.value, self.everywhere) = (inner, value, everywhere)
    }

    func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
      poison(inner.forward(input, context: context))
    }

    func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
      poison(inner.backward(gradOutput, context: context))
    }

    private func poison(_ tensor: Tensor) -> Tensor {
      guard let value else { return tensor }
      if everywhere {
        tensor.data.update(repeating: value, count: tensor.count)
      } else {
        tensor.data[tensor.count / 2] = value
      }
      return tensor
    }
  }

  private func reluReports(poison value: Float?, everywhere: Bool) throws -> [ParityReport] {
    try layerParityReports("relu") { _, _ in Poisoned(ReLU(), value: value, everywhere: everywhere) }
  }

  @Test func unpoisonedReLUPasses() throws {
    let reports = try reluReports(poison: nil, everywhere: true)
    #expect(reports.count == 2 && reports.allSatisfy(\.passed))
  }

  @Test(arguments: [Float.nan, .infinity, -.infinity], [true, false])
  func poisonedOutputFailsTheParityCheck(value: Float, everywhere: Bool) throws {
    let reports = try reluReports(poison: value, everywhere: everywhere)
    #expect(reports.count == 2)
    for report in reports {
      #expect(!report.passed, "\(report.label) passed with \(value) in it")
      #expect(report.maxDifference == .infinity)
    }
  }

  @Test func nanOnEitherSideIsAnInfiniteDifference() {
    #expect(maxAbsDifference([1, .nan, 3], [1, 2, 3]) == .infinity)
    #expect(maxAbsDifference([1, 2, 3], [1, .nan, 3]) == .infinity)
    #expect(maxAbsDifference([.nan], [.nan]) == .infinity)
    #expect(maxAbsDifference([.signalingNaN, 0], [0, 0]) == .infinity)
    #expect(maxAbsDifference([.infinity, 0], [1, 0]) == .infinity)
    #expect(maxAbsDifference([-.infinity, 0.5], [-.infinity, 0.25]) == 0.25)
    #expect(maxAbsDifference([1, 2], [1, 2, 3]) == .infinity)
  }

  @Test func nonFiniteExpectedValuesDoNotWidenTheTolerance() {
    #expect(parityTolerance([.infinity, -3, .nan], base: 1e-4) == 1e-4 * 3)
    #expect(!ParityReport("inf", actual: [5, .infinity], expected: [0, .infinity]).passed)
  }

  @Test func finiteDifferenceCheckFailsANonFiniteGradient() {
    let x: [Float] = [0.5, -0.25, 1]
    let loss = { (x: [Float]) in weightedSum(x, [1, 2, 3]) }
    #expect(finiteDifferenceError(at: x, analytic: [1, 2, 3], loss: loss) < 1e-3)
    for bad in [Float.nan, .infinity, -.infinity] {
      #expect(finiteDifferenceError(at: x, analytic: [1, bad, 3], loss: loss) == .infinity, "\(bad)")
    }
    #expect(finiteDifferenceError(at: x, analytic: [1, 2, 3]) { _ in .nan } == .infinity)
  }
}

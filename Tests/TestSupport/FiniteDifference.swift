/// A small deterministic generator for test data (SplitMix64), independent of the code under test.
public struct TestRandom: RandomNumberGenerator {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` values uniform in [low, high).
  public mutating func floats(_ count: Int, in range: Range<Float> = -1..<1) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &self) }
  }
}

/// Central finite differences of a scalar `loss` with respect to every element of `x`,
/// compared with the `analytic` gradient. Returns the worst error, each error measured as
/// |numeric - analytic| / max(1, |analytic|) (`absDifference`: a NaN on either side, or a
/// non-finite analytic value, is an infinite error). The loss is evaluated in Double.
public func finiteDifferenceError(
  at x: [Float], analytic: [Float], step: Float = 1e-2, loss: ([Float]) -> Double
) -> Float {
  precondition(x.count == analytic.count, "gradient shape mismatch")
  var probe = x
  var worst: Float = 0
  for i in x.indices {
    probe[i] = x[i] + step
    let plus = loss(probe)
    probe[i] = x[i] - step
    let minus = loss(probe)
    probe[i] = x[i]
    let numeric = Float((plus - minus) / (2 * Double(step)))
    let error = absDifference(numeric, analytic[i]) / max(1, abs(analytic[i]))
    worst = max(worst, analytic[i].isFinite && !error.isNaN ? error : .infinity)
  }
  return worst
}

/// Σ out[i] · weights[i] in Double: the scalar whose gradient with respect to `out` is `weights`.
public func weightedSum(_ out: [Float], _ weights: [Float]) -> Double {
  var total = 0.0
  for i in out.indices { total += Double(out[i]) * Double(weights[i]) }
  return total
}

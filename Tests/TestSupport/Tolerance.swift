import DigitsNN
import Foundation

/// |a - b| for comparing a computed value with an expected one: a NaN on either side is
/// infinitely far from anything (Swift's `max` and `<=` are false for NaN, so a plain
/// `abs(a - b)` would let it through every check), and equal values, equal infinities included,
/// are 0 apart.
public func absDifference(_ a: Float, _ b: Float) -> Float {
  if a.isNaN || b.isNaN { return .infinity }
  return a == b ? 0 : abs(a - b)
}

/// Largest |a[i] - b[i]| by `absDifference`; infinity when the counts differ or either side
/// holds a NaN.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  guard a.count == b.count else { return .infinity }
  var worst: Float = 0
  for i in a.indices { worst = max(worst, absDifference(a[i], b[i])) }
  return worst
}

/// The parity tolerance: 1e-4 absolute on values of order 1, scaled by the largest finite
/// |expected| above 1 (float32 sums of many terms carry error relative to their size). A NaN or
/// an infinity in `expected` does not widen it.
public func parityTolerance(_ expected: [Float], base: Float = 1e-4) -> Float {
  base * expected.reduce(1) { $1.isFinite ? max($0, abs($1)) : $0 }
}

/// One line per compared tensor, printed so a failing (or passing) run shows the margins.
/// A NaN anywhere in `actual` (or `expected`) fails it, as does an infinity the other side lacks.
public struct ParityReport {
  public let label: String
  public let maxDifference: Float
  public let tolerance: Float
  public var passed: Bool { maxDifference <= tolerance }

  public init(_ label: String, actual: [Float], expected: [Float], base: Float = 1e-4) {
    self.label = label
    maxDifference = maxAbsDifference(actual, expected)
    tolerance = parityTolerance(expected, base: base)
    print(
      String(
        format: "parity %-40@ max|Δ| = %.3e (tolerance %.1e)", label as NSString, maxDifference, tolerance))
  }
}

/// Values of a parameter's gradient in PyTorch's layout (conv weights converted back).
public func torchGradient(_ arena: ParameterArena, _ name: String) -> [Float] {
  StateDict.torchValues(of: arena.slot(named: name)!, in: arena.gradients)
}

/// Values of an arena slot in PyTorch's layout.
public func torchValue(_ arena: ParameterArena, _ name: String) -> [Float] {
  StateDict.torchValues(of: arena.slot(named: name)!, in: arena.values)
}

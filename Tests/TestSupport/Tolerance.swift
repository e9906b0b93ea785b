import DigitsNN
import Foundation

/// Largest |a[i] - b[i]|; infinity when the counts differ.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  guard a.count == b.count else { return .infinity }
  var worst: Float = 0
  for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
  return worst
}

/// The parity tolerance: 1e-4 absolute on values of order 1, scaled by the largest |expected|
/// above 1 (float32 sums of many terms carry error relative to their size).
public func parityTolerance(_ expected: [Float], base: Float = 1e-4) -> Float {
  base * max(1, expected.map(abs).max() ?? 0)
}

/// One line per compared tensor, printed so a failing (or passing) run shows the margins.
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

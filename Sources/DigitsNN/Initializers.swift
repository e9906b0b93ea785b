import Foundation

/// Weight initialisation as torch.nn.init defines it, drawing from any seeded generator.
/// (The values cannot equal PyTorch's, whose generator differs; the distributions do.)
public enum Initializer {
  /// kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, 2 / fan_out).
  public static func kaimingNormalFanOut<G: RandomNumberGenerator>(
    _ parameter: Parameter, fanOut: Int, using generator: inout G
  ) {
    normal(parameter, std: (2 / Float(fanOut)).squareRoot(), using: &generator)
  }

  /// N(0, std²), by Box–Muller in Double.
  public static func normal<G: RandomNumberGenerator>(
    _ parameter: Parameter, std: Float, using generator: inout G
  ) {
    let values = parameter.value
    var index = 0
    while index < parameter.count {
      let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
      let u2 = Double.random(in: 0..<1, using: &generator)
      let radius = (-2 * log(u1)).squareRoot()
      values[index] = Float(radius * cos(2 * .pi * u2)) * std
      if index + 1 < parameter.count { values[index + 1] = Float(radius * sin(2 * .pi * u2)) * std }
      index += 2
    }
  }

  /// U(-bound, bound): torch.nn.Linear's default for weight and bias, bound = 1/sqrt(fan_in).
  public static func uniform<G: RandomNumberGenerator>(
    _ parameter: Parameter, bound: Float, using generator: inout G
  ) {
    let values = parameter.value
    for index in 0..<parameter.count {
      values[index] = Float.random(in: -bound..<bound, using: &generator)
    }
  }
}

import Foundation

/// Simard, Steinkraus and Platt's elastic distortion (2003): every pixel moves by a random
/// displacement, uniform in ±1 per axis, smoothed by a Gaussian of `sigma` pixels and scaled by
/// `alpha` pixels, so that neighbouring pixels move together and strokes bend as a hand would.
public struct ElasticDistortion: Codable, Equatable, Sendable {
  public var alpha, sigma: Float

  /// Simard et al. used alpha 34 and sigma 4 on 28x28 digits.
  public init(alpha: Float, sigma: Float = 4) {
    (self.alpha, self.sigma) = (alpha, sigma)
  }

  /// One image's field, drawn from `generator`: [2, rows, cols] displacements in pixels, x then y.
  public func draw(rows: Int, cols: Int, generator: inout SeededGenerator) -> [Float] {
    let noise = (0..<(2 * rows * cols)).map { _ in generator.nextFloat() * 2 - 1 }
    let plane = rows * cols
    return [0, plane].flatMap { start in
      smoothed(noise[start..<(start + plane)], rows: rows, cols: cols).map { $0 * alpha }
    }
  }

  /// Normalised Gaussian weights over ±3 sigma.
  public var kernel: [Float] {
    let radius = max(Int((3 * sigma).rounded(.up)), 0)
    let weights = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }

  /// [rows, cols] values blurred along each row, then each column; past the edge, the edge value.
  private func smoothed(_ values: ArraySlice<Float>, rows: Int, cols: Int) -> [Float] {
    let source = Array(values)
    let kernel = self.kernel
    let radius = kernel.count / 2
    var across = [Float](repeating: 0, count: source.count)
    for y in 0..<rows {
      for x in 0..<cols {
        across[y * cols + x] = kernel.indices.reduce(0) { sum, k in
          sum + kernel[k] * source[y * cols + min(max(x + k - radius, 0), cols - 1)]
        }
      }
    }
    var down = [Float](repeating: 0, count: source.count)
    for y in 0..<rows {
      for x in 0..<cols {
        down[y * cols + x] = kernel.indices.reduce(0) { sum, k in
          sum + kernel[k] * across[min(max(y + k - radius, 0), rows - 1) * cols + x]
        }
      }
    }
    return down
  }
}

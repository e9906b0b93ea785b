import Foundation

/// Simard, Steinkraus and Platt's elastic distortion (2003): every pixel moves by a random
/// displacement, uniform in ±1 per axis, smoothed by a Gaussian of `sigma` pixels and scaled by
/// `alpha` pixels, so that neighbouring pixels move together and strokes bend as a hand would.
public struct ElasticDistortion: Codable, Equatable, Sendable {
  public var alpha, sigma: Float

  /// Simard et al. used alpha 34 with sigma 4 on 28x28 digits, Ciresan et al. (2010) alpha 36
  /// with sigma 6, which bends strokes more smoothly.
  public init(alpha: Float, sigma: Float = 6) {
    (self.alpha, self.sigma) = (alpha, sigma)
  }

  /// One image's field, drawn from `generator`: [2, rows, cols] displacements in pixels, x then y.
  /// The noise covers the image and a margin of the kernel's radius, so that pixels at the edge
  /// move as much as any other (a clamped or mirrored border would weigh a few samples many times).
  public func draw(rows: Int, cols: Int, generator: inout SeededGenerator) -> [Float] {
    let kernel = self.kernel
    let radius = kernel.count / 2
    let (noiseRows, noiseCols) = (rows + 2 * radius, cols + 2 * radius)
    var field: [Float] = []
    field.reserveCapacity(2 * rows * cols)
    for _ in 0..<2 {
      let noise = (0..<(noiseRows * noiseCols)).map { _ in generator.nextFloat() * 2 - 1 }
      // [noiseRows, noiseCols] → [noiseRows, cols] along the rows, then → [rows, cols] down the columns.
      var across = [Float](repeating: 0, count: noiseRows * cols)
      for y in 0..<noiseRows {
        for x in 0..<cols {
          across[y * cols + x] = kernel.indices.reduce(0) { $0 + kernel[$1] * noise[y * noiseCols + x + $1] }
        }
      }
      for y in 0..<rows {
        for x in 0..<cols {
          field.append(alpha * kernel.indices.reduce(0) { $0 + kernel[$1] * across[(y + $1) * cols + x] })
        }
      }
    }
    return field
  }

  /// Normalised Gaussian weights over ±3 sigma.
  public var kernel: [Float] {
    let radius = max(Int((3 * sigma).rounded(.up)), 0)
    let weights = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }
}

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
  public func draw(rows: Int, cols: Int, generator: inout SeededGenerator) -> [Float] {
    field(noise: noise(rows: rows, cols: cols, generator: &generator), rows: rows, cols: cols)
  }

  /// The field's random part: [2, rows + 2r, cols + 2r] uniform draws in ±1, for a kernel of
  /// radius r. The noise covers the image and a margin of the kernel's radius, so that pixels at
  /// the edge move as much as any other (a clamped or mirrored border would weigh a few samples
  /// many times).
  public func noise(rows: Int, cols: Int, generator: inout SeededGenerator) -> [Float] {
    let radius = kernel.count / 2
    return (0..<(2 * (rows + 2 * radius) * (cols + 2 * radius))).map { _ in generator.nextFloat() * 2 - 1 }
  }

  /// `noise` ([2, rows + 2r, cols + 2r]) smoothed by the kernel and scaled by alpha:
  /// [2, rows, cols] displacements in pixels.
  public func field(noise: [Float], rows: Int, cols: Int) -> [Float] {
    let kernel = self.kernel
    let radius = kernel.count / 2
    let (noiseRows, noiseCols) = (rows + 2 * radius, cols + 2 * radius)
    var field: [Float] = []
    field.reserveCapacity(2 * rows * cols)
    var across = [Float](repeating: 0, count: noiseRows * cols)
    for axis in 0..<2 {
      var plane = [Float](repeating: 0, count: rows * cols)
      // [noiseRows, noiseCols] → [noiseRows, cols] along the rows, then → [rows, cols] down the
      // columns; each sum runs over the taps in order, its inner loop along contiguous x.
      noise.withUnsafeBufferPointer { noise in
        across.withUnsafeMutableBufferPointer { across in
          let planeNoise = noise.baseAddress! + axis * noiseRows * noiseCols
          for y in 0..<noiseRows {
            let (source, target) = (planeNoise + y * noiseCols, across.baseAddress! + y * cols)
            for x in 0..<cols { target[x] = 0 }
            for (tap, weight) in kernel.enumerated() {
              for x in 0..<cols { target[x] += weight * source[x + tap] }
            }
          }
        }
      }
      across.withUnsafeBufferPointer { across in
        plane.withUnsafeMutableBufferPointer { plane in
          for y in 0..<rows {
            let target = plane.baseAddress! + y * cols
            for (tap, weight) in kernel.enumerated() {
              let source = across.baseAddress! + (y + tap) * cols
              for x in 0..<cols { target[x] += weight * source[x] }
            }
          }
        }
      }
      field += plane.map { $0 * alpha }
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

import DigitsData
import Foundation
import Testing

/// The elastic field against what a smoothed uniform field must be (normalised kernel, mean near
/// zero, the spread the kernel implies up to the edges, neighbours that move together, seeded),
/// and its effect on the warp: a constant field is a whole-pixel shift.
@Suite struct ElasticDistortionTests {
  @Test func kernelIsANormalisedSymmetricGaussianOverThreeSigma() {
    let kernel = ElasticDistortion(alpha: 34, sigma: 4).kernel
    #expect(kernel.count == 25)
    #expect(abs(kernel.reduce(0, +) - 1) < 1e-6)
    for k in 0..<12 { #expect(kernel[k] == kernel[24 - k] && kernel[k] < kernel[k + 1]) }
    #expect(abs(kernel[12] / kernel[16] - exp(Float(16) / 32)) < 1e-4, "exp(-d²/2σ²) at d = 4")
  }

  @Test func fieldIsSeededSmoothAndAsLargeAsTheKernelImplies() {
    let elastic = ElasticDistortion(alpha: 34, sigma: 4)
    var (a, b) = (SeededGenerator(seed: 7), SeededGenerator(seed: 7))
    #expect(
      elastic.draw(rows: 28, cols: 28, generator: &a) == elastic.draw(rows: 28, cols: 28, generator: &b))
    var generator = SeededGenerator(seed: 1)
    var (sum, squares, steps, count) = (0.0, 0.0, 0.0, 0.0)
    for _ in 0..<200 {
      let field = elastic.draw(rows: 28, cols: 28, generator: &generator)
      #expect(field.count == 2 * 784)
      for plane in [0, 784] {
        for y in 0..<28 {
          for x in 0..<27 {
            let value = Double(field[plane + y * 28 + x])
            (sum, squares, count) = (sum + value, squares + value * value, count + 1)
            steps += abs(Double(field[plane + y * 28 + x + 1]) - value)
          }
        }
      }
    }
    // Uniform ±1 noise (variance 1/3) blurred by the separable kernel k has the standard
    // deviation alpha · sqrt(1/3) · Σk², at the edges as in the middle.
    let kernelSquares = elastic.kernel.reduce(0) { $0 + Double($1 * $1) }
    let expected = 34 * (1.0 / 3).squareRoot() * kernelSquares
    let (mean, std) = (sum / count, (squares / count - (sum / count) * (sum / count)).squareRoot())
    #expect(abs(mean) < 0.1 * expected, "mean \(mean)")
    #expect(abs(std / expected - 1) < 0.1, "std \(std), expected \(expected)")
    #expect(steps / count < 0.3 * std, "neighbouring pixels move together")
  }

  @Test func constantFieldIsAWholePixelShift() {
    let digit = AugmentationTests.digit
    var shifted = AffineDistortion(angle: 0, scale: 1, shiftX: 0, shiftY: 0)
    shifted.displacement = [Float](repeating: -3, count: 784) + [Float](repeating: 2, count: 784)
    let reference = AugmentationTests.warp(AffineDistortion(angle: 0, scale: 1, shiftX: 3, shiftY: -2), digit)
    let out = AugmentationTests.warp(shifted, digit)
    for i in 0..<784 { #expect(abs(out[i] - reference[i]) < 1e-5, "pixel \(i)") }
  }

  @Test func elasticAugmentationAddsAFieldToTheSameAffineDraw() {
    let affine = Augmentation.standard()
    let elastic = Augmentation.standard(elastic: ElasticDistortion(alpha: 34))
    var (a, b) = (SeededGenerator(seed: 3), SeededGenerator(seed: 3))
    let plain = affine.draw(rows: 28, cols: 28, generator: &a)
    let bent = elastic.draw(rows: 28, cols: 28, generator: &b)
    #expect(plain.displacement == nil && bent.displacement?.count == 2 * 784)
    #expect(
      (plain.angle, plain.scale, plain.shiftX, plain.shiftY) == (
        bent.angle, bent.scale, bent.shiftX, bent.shiftY
      ))
    let warped = (AugmentationTests.warp(plain), AugmentationTests.warp(bent))
    #expect(zip(warped.0, warped.1).contains { abs($0 - $1) > 0.5 }, "the field moves ink")
  }
}

extension ElasticDistortionTests {
  /// A border pixel moves no more than a middle one (a clamped border once moved it by many pixels).
  @Test func edgePixelsMoveAsMuchAsMiddleOnes() {
    let elastic = ElasticDistortion(alpha: 36, sigma: 6)
    var generator = SeededGenerator(seed: 2)
    var (edge, middle) = (0.0, 0.0)
    for _ in 0..<300 {
      let field = elastic.draw(rows: 28, cols: 28, generator: &generator)
      edge += Double(field[0] * field[0])
      middle += Double(field[14 * 28 + 14] * field[14 * 28 + 14])
    }
    #expect(abs((edge / middle).squareRoot() - 1) < 0.25, "edge \(edge), middle \(middle)")
  }
}

extension ElasticDistortionTests {
  /// The field is alpha times the noise blurred by the kernel along the rows, then the columns:
  /// the same generator's noise convolved here the slow way, over the image and its margin.
  @Test func fieldIsTheSeparableBlurOfTheGeneratorsNoise() {
    let elastic = ElasticDistortion(alpha: 5, sigma: 1.5)
    let kernel = elastic.kernel
    let radius = kernel.count / 2
    let (rows, cols) = (9, 7)
    let (noiseRows, noiseCols) = (rows + 2 * radius, cols + 2 * radius)
    var generator = SeededGenerator(seed: 11)
    var replay = generator
    let field = elastic.draw(rows: rows, cols: cols, generator: &generator)
    for plane in 0..<2 {
      let noise = (0..<(noiseRows * noiseCols)).map { _ in replay.nextFloat() * 2 - 1 }
      for y in 0..<rows {
        for x in 0..<cols {
          var sum = 0.0
          for i in 0..<kernel.count {
            for j in 0..<kernel.count {
              sum += Double(kernel[i] * kernel[j] * noise[(y + i) * noiseCols + x + j])
            }
          }
          let value = field[plane * rows * cols + y * cols + x]
          #expect(abs(Double(value) - 5 * sum) < 1e-5, "plane \(plane), (\(x), \(y))")
        }
      }
    }
    #expect(replay.next() == generator.next(), "the field draws exactly its noise")
  }
}

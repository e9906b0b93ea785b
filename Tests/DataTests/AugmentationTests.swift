import DigitsData
import Foundation
import Testing

/// The affine warp against transforms whose result is known exactly, and the iterator's
/// augmentation: seeded, replayed by a saved generator, never the identity.
@Suite struct AugmentationTests {
  static let mnist = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false)
  static let digit = Array(mnist.train.pixels[0..<784])
  static let normalization = Normalization.mnist

  static func warp(_ transform: AffineDistortion, _ image: [UInt8] = digit) -> [Float] {
    var out = [Float](repeating: .nan, count: 784)
    image.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer {
        transform.apply(
          source.baseAddress!, rows: 28, cols: 28, into: $0.baseAddress!, normalization: normalization)
      }
    }
    return out
  }

  static func normalized(_ pixel: UInt8) -> Float {
    (Float(pixel) / 255 - normalization.mean) / normalization.std
  }

  @Test func identityTransformIsTheNormalisedImage() {
    let out = Self.warp(AffineDistortion(angle: 0, scale: 1, shiftX: 0, shiftY: 0))
    for i in 0..<784 { #expect(abs(out[i] - Self.normalized(Self.digit[i])) < 1e-5) }
  }

  @Test func wholePixelShiftMovesTheImageAndFillsWithBlank() {
    let out = Self.warp(AffineDistortion(angle: 0, scale: 1, shiftX: 3, shiftY: -2))
    for y in 0..<28 {
      for x in 0..<28 {
        let (sx, sy) = (x - 3, y + 2)
        let inside = sx >= 0 && sx < 28 && sy >= 0 && sy < 28
        let expected = Self.normalized(inside ? Self.digit[sy * 28 + sx] : 0)
        #expect(abs(out[y * 28 + x] - expected) < 1e-5, "pixel (\(x), \(y))")
      }
    }
  }

  @Test func halfTurnFlipsBothAxes() {
    let out = Self.warp(AffineDistortion(angle: .pi, scale: 1, shiftX: 0, shiftY: 0))
    for y in 0..<28 {
      for x in 0..<28 {
        // sin(π) in float is -8.7e-8, not 0: a sub-pixel offset, so a loose tolerance.
        #expect(abs(out[y * 28 + x] - Self.normalized(Self.digit[(27 - y) * 28 + 27 - x])) < 1e-3)
      }
    }
  }

  @Test func doublingScaleSamplesHalfwayToTheCentre() {
    // Pixel (x, y) of the result reads the source at centre + (x - centre) / 2.
    let ramp = (0..<784).map { UInt8($0 % 28 * 9) }
    let out = Self.warp(AffineDistortion(angle: 0, scale: 2, shiftX: 0, shiftY: 0), ramp)
    for x in 0..<28 {
      let source = 13.5 + (Float(x) - 13.5) / 2
      let expected = (source - source.rounded(.down)) * 9 + source.rounded(.down) * 9
      #expect(
        abs(out[5 * 28 + x] - (expected / 255 - Self.normalization.mean) / Self.normalization.std) < 1e-4)
    }
  }

  @Test func nearestSamplingReadsTheRoundedSourcePixel() {
    // Doubling reads the source at centre + (x - centre) / 2: whole and half pixels, and a half
    // goes to the even neighbour, as grid_sample's nearest mode (nearbyint) rounds.
    let ramp = (0..<784).map { UInt8($0 % 28 * 9) }
    let out = Self.warp(AffineDistortion(angle: 0, scale: 2, shiftX: 0, shiftY: 0, sampling: .nearest), ramp)
    for x in 0..<28 {
      let source = (13.5 + (Float(x) - 13.5) / 2).rounded(.toNearestOrEven)
      #expect(abs(out[5 * 28 + x] - Self.normalized(UInt8(source * 9))) < 1e-5, "column \(x)")
    }
  }

  /// The byte a normalised value came from, nil when it lies between bytes.
  static func byte(_ value: Float) -> UInt8? {
    let raw = (value * normalization.std + normalization.mean) * 255
    return abs(raw - raw.rounded()) < 1e-3 ? UInt8(raw.rounded()) : nil
  }

  @Test func nearestSamplingKeepsStrokesSharp() {
    // A rotated digit holds only the source's own pixel values, where bilinear mixes neighbours.
    let values = Set(Self.digit)
    let turn = AffineDistortion(angle: 0.15, scale: 1.07, shiftX: 2, shiftY: -1, sampling: .nearest)
    #expect(Self.warp(turn).allSatisfy { Self.byte($0).map(values.contains) == true })
    var bilinear = turn
    bilinear.sampling = .bilinear
    #expect(!Self.warp(bilinear).allSatisfy { Self.byte($0).map(values.contains) == true })
  }

  /// The next batch's images, empty once the epoch is over.
  static func nextBatch(_ iterator: inout BatchIterator) -> [Float] {
    var images = [Float](repeating: .nan, count: iterator.imageBufferCount)
    var labels = [Int32](repeating: 0, count: iterator.batchSize)
    let count = images.withUnsafeMutableBufferPointer { buffer in
      labels.withUnsafeMutableBufferPointer {
        iterator.next(into: buffer.baseAddress!, labels: $0.baseAddress!)
      }
    }
    return Array(images.prefix(count * 784))
  }

  static func iterator(augment: Bool, sampling: Augmentation.Sampling = .bilinear) throws -> BatchIterator {
    var batches = try BatchIterator(data: mnist.train, indices: Array(0..<256), batchSize: 64, seed: 9)
    batches.augmentation = augment ? .standard(sampling: sampling) : nil
    return batches
  }

  @Test func nearestBatchesHoldOnlySourcePixelValues() throws {
    // Nearest sampling copies pixels: every value is a normalised byte.
    var batches = try Self.iterator(augment: true, sampling: .nearest)
    batches.startEpoch()
    let images = Self.nextBatch(&batches)
    #expect(images.count == 64 * 784 && images.allSatisfy { Self.byte($0) != nil })
    var plain = try Self.iterator(augment: false)
    plain.startEpoch()
    #expect(images != Self.nextBatch(&plain))
  }

  @Test func augmentedBatchesAreSeededAndDistorted() throws {
    var (a, b, plain) = (
      try Self.iterator(augment: true), try Self.iterator(augment: true), try Self.iterator(augment: false)
    )
    a.startEpoch()
    b.startEpoch()
    plain.startEpoch()
    let first = Self.nextBatch(&a)
    #expect(first == Self.nextBatch(&b))
    #expect(first != Self.nextBatch(&plain))
    #expect(first.count == 64 * 784 && first.allSatisfy(\.isFinite))
  }

  @Test func savedGeneratorReplaysTheNextEpochsDistortions() throws {
    var straight = try Self.iterator(augment: true)
    straight.startEpoch()
    while !Self.nextBatch(&straight).isEmpty {}
    // What a resumed run does: a fresh iterator given the generator saved after the epoch.
    var resumed = try Self.iterator(augment: true)
    resumed.generator = straight.generator
    straight.startEpoch()
    resumed.startEpoch()
    for _ in 0..<4 { #expect(Self.nextBatch(&straight) == Self.nextBatch(&resumed)) }
  }
}

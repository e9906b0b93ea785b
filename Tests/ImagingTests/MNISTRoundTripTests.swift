import DigitsData
import DigitsImaging
import TestSupport
import Testing

/// MNIST test digits exported as a person would photograph them (4x size, dark ink on white,
/// RGB; also as JPEG, and light on dark) and prepared again must give back the digit MNIST
/// itself holds: MNIST's digits are already 20x20 boxes centred by mass, so a faithful pipeline
/// reproduces them pixel for pixel, up to JPEG noise. This is stronger than comparing a
/// model's predictions: equal inputs give equal predictions for any model.
@Suite struct MNISTRoundTripTests {
  static let test = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false).test
  static let count = 200

  static func digit(_ i: Int) -> ArraySlice<UInt8> {
    test.pixels[(i * 784)..<((i + 1) * 784)]
  }

  /// For each of the first `count` digits after a round trip: the mean |Δ| per pixel (of 255),
  /// as is and at the best of the one-pixel shifts (only computed when `plain` exceeds `limit`).
  /// A shift is forgiven because an MNIST digit's centre of mass can sit on a rounding boundary
  /// (x.5), where the least noise flips it.
  static func differences(within limit: Double, _ roundTrip: (ArraySlice<UInt8>) throws -> [UInt8]) rethrows
    -> [(plain: Double, shifted: Double)]
  {
    try (0..<count).map { i in
      let original = Array(digit(i))
      let again = try roundTrip(digit(i))
      let plain = meanDifference(again, original)
      return (
        plain, plain <= limit ? plain : shifts.map { meanDifference(again, original, shift: $0) }.min()!
      )
    }
  }

  static let shifts = (-1...1).flatMap { dy in (-1...1).map { dx in (dx, dy) } }

  /// Mean |a - b| with `a` read `shift` pixels away (zeros beyond the edge).
  static func meanDifference(_ a: [UInt8], _ b: [UInt8], shift: (Int, Int) = (0, 0)) -> Double {
    var sum = 0.0
    for y in 0..<28 {
      for x in 0..<28 {
        let (sx, sy) = (x + shift.0, y + shift.1)
        let shifted = (0..<28).contains(sx) && (0..<28).contains(sy) ? Double(a[sy * 28 + sx]) : 0
        sum += abs(shifted - Double(b[y * 28 + x]))
      }
    }
    return sum / 784
  }

  /// At least 99% of the digits come back within `limit` allowing a one-pixel shift, and 95%
  /// without one (so a systematic offset would fail).
  static func expectFaithful(
    _ differences: [(plain: Double, shifted: Double)], within limit: Double, format: String
  ) {
    let shifted = differences.filter { $0.shifted <= limit }.count
    let plain = differences.filter { $0.plain <= limit }.count
    let mean = differences.map(\.plain).reduce(0, +) / Double(differences.count)
    print(
      "round trip \(format): of \(count) digits \(plain) within mean |Δ| \(limit) (\(shifted) allowing a 1 px shift); mean |Δ| \(mean)"
    )
    #expect(shifted * 100 >= count * 99, "\(format): \(shifted) of \(count) allowing a shift")
    #expect(plain * 100 >= count * 95, "\(format): \(plain) of \(count)")
  }

  @Test func darkOnLightRGBPNG() throws {
    let differences = try Self.differences(within: 1) { original in
      let png = ImageEncoder.png(exportedDigit(original), width: 112, height: 112, channels: 3)
      return try DigitImage(encoded: png, name: "digit.png").mnistPixels()
    }
    Self.expectFaithful(differences, within: 1, format: "PNG")
  }

  @Test func lightOnDarkRGBPNG() throws {
    let differences = try Self.differences(within: 1) { original in
      let png = ImageEncoder.png(
        exportedDigit(original, darkOnLight: false), width: 112, height: 112, channels: 3)
      return try DigitImage(encoded: png, name: "digit.png").mnistPixels()
    }
    Self.expectFaithful(differences, within: 1, format: "inverted PNG")
  }

  @Test func darkOnLightJPEG() throws {
    let differences = try Self.differences(within: 4) { original in
      let jpeg = ImageEncoder.jpeg(exportedDigit(original), width: 112, height: 112, channels: 3, quality: 90)
      return try DigitImage(encoded: jpeg, name: "digit.jpg").mnistPixels()
    }
    Self.expectFaithful(differences, within: 4, format: "JPEG")
  }
}

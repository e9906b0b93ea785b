import DigitsImaging
import TestSupport
import Testing

/// MNIST-style preparation of synthetic digits with known answers: white on black, inside
/// 20x20, centred by mass, whatever the polarity, position, paper tone and size of the input.
@Suite struct PreprocessingTests {
  /// A "7" drawn at `scale` times MNIST size near the top left of a light page, `offset` pixels in.
  static func seven(offset: Double = 6, scale: Double = 4, paper: UInt8 = 235, ink: UInt8 = 20) -> DigitImage
  {
    var canvas = Canvas(width: Int(28 * scale), height: Int(28 * scale), paper: paper, ink: ink)
    drawSeven(on: &canvas, offset: offset, scale: scale)
    return canvas.image
  }

  static func drawSeven(on canvas: inout Canvas, offset o: Double, scale s: Double) {
    canvas.stroke((o + 5 * s, o + 2 * s), (o + 11 * s, o + 2 * s), radius: 0.8 * s)
    canvas.stroke((o + 11 * s, o + 2 * s), (o + 5 * s, o + 15 * s), radius: 0.8 * s)
  }

  @Test func offCentreDarkStrokeComesOutCentredWhiteOnBlack() {
    let digit = DigitFacts(pixels: Self.seven().mnistPixels())
    #expect(digit.pixels.count == 784)
    #expect(digit.pixels.max() == 255)
    #expect(digit.borderIsBlack)
    let box = digit.inkBox
    #expect(box.height == 20 && box.width <= 20, "ink box \(box)")
    let centre = digit.centreOfMass
    #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5, "centre of mass \(centre)")
  }

  @Test func lightOnDarkGivesTheSameDigit() {
    let inverted = Self.seven(paper: 20, ink: 235)
    #expect(inverted.mnistPixels() == Self.seven().mnistPixels())
  }

  @Test func positionDoesNotMatter() {
    #expect(Self.seven(offset: 40).mnistPixels() == Self.seven(offset: 6).mnistPixels())
  }

  @Test func paperToneIsSubtracted() {
    // Gray paper and gray ink: the same strokes at less contrast come out the same.
    let dull = Self.seven(paper: 180, ink: 90).mnistPixels()
    #expect(maxDifference(dull, Self.seven().mnistPixels()) <= 3)
  }

  @Test func sizeHardlyMatters() {
    let small = Self.seven(offset: 3, scale: 2).mnistPixels()
    let large = Self.seven(offset: 6, scale: 4).mnistPixels()
    let meanDifference = zip(small, large).map { abs(Double($0) - Double($1)) }.reduce(0, +) / 784
    #expect(meanDifference < 6, "mean |Δ| \(meanDifference)")
  }

  @Test func aspectRatioIsKept() {
    // A 6x60 bar (a "1") becomes 2x20, solid.
    var canvas = Canvas(width: 100, height: 100)
    canvas.fill(x: 40..<46, y: 20..<80)
    let digit = DigitFacts(pixels: canvas.image.mnistPixels())
    #expect(digit.inkBox == (2, 20))
    #expect(digit.pixels.filter { $0 > 0 }.allSatisfy { $0 == 255 })
    #expect(abs(digit.centreOfMass.x - 14) <= 0.5 && abs(digit.centreOfMass.y - 14) <= 0.5)
  }

  @Test func smallImageIsEnlarged() {
    var canvas = Canvas(width: 10, height: 10)
    canvas.fill(x: 3..<7, y: 2..<8)
    let digit = DigitFacts(pixels: canvas.image.mnistPixels())
    // 4x6 scaled by 20/6: 13x20.
    #expect(digit.inkBox == (13, 20))
  }

  @Test func tinyImagesDoNotCrash() {
    #expect(DigitImage(width: 1, height: 1, pixels: [0]).mnistPixels().allSatisfy { $0 == 0 })
    #expect(DigitImage(width: 1, height: 1, pixels: [255]).mnistPixels().allSatisfy { $0 == 0 })
    // One dark pixel between two white ones: a dot, enlarged to fill the 20x20 box.
    let dot = DigitFacts(pixels: DigitImage(width: 3, height: 1, pixels: [255, 0, 255]).mnistPixels())
    #expect(dot.inkBox == (20, 20))
    let column = DigitFacts(
      pixels: DigitImage(width: 1, height: 5, pixels: [255, 0, 0, 0, 255]).mnistPixels())
    #expect(column.inkBox.height == 20)
  }

  @Test(arguments: [UInt8(0), 128, 255])
  func blankImageGivesZeros(tone: UInt8) {
    var random = TestRandom(seed: UInt64(tone))
    // Paper with faint grain (±3 levels) has no ink either.
    let pixels = (0..<(50 * 40)).map { _ in
      UInt8(clamping: Int(tone) + Int.random(in: -3...3, using: &random))
    }
    #expect(
      DigitImage(width: 50, height: 40, pixels: pixels).mnistPixels() == [UInt8](repeating: 0, count: 784))
  }

  @Test func transparentCanvasStrokesReadAsInk() throws {
    // A drawing app's export: black strokes on a fully transparent RGBA page.
    var canvas = Canvas(width: 112, height: 112)
    Self.drawSeven(on: &canvas, offset: 6, scale: 4)
    let rgba = canvas.coverage.flatMap { [0, 0, 0, UInt8(($0 * 255).rounded())] }
    let decoded = try DigitImage(
      encoded: ImageEncoder.png(rgba, width: 112, height: 112, channels: 4), name: "canvas.png")
    #expect(maxDifference(decoded.mnistPixels(), canvas.image.mnistPixels()) <= 3)
  }
}

extension DigitImage {
  /// MNIST's geometry: 28x28 images whose ink was scaled to fit a 20x20 box.
  public static let mnistSide = 28
  static let inkBox = 20
  /// Pixels with less ink than this fraction of the darkest stroke do not widen the bounding box
  /// (JPEG ringing, paper grain, a faint smudge). At 0.15 the ringing of MNIST digits saved as
  /// JPEG (quality 90, 4x) stays below it, and 9,996 of MNIST's 10,000 test digits keep their
  /// 20-pixel box (at 0.1 JPEG ringing widened some boxes; see MNISTRoundTripTests).
  static let inkThreshold: Float = 0.15
  /// Below this ink contrast (of 255) an image counts as blank.
  static let minimumContrast: Float = 10

  /// The image prepared as MNIST's digits were: ink white on black (inverted when the border is
  /// light, the paper tone subtracted), cropped to the ink's bounding box, scaled to fit 20x20
  /// keeping the aspect ratio (area averaging when shrinking), its strongest ink stretched to
  /// 255, and placed in 28x28 so that its centre of mass lands on pixel (14, 14), rounded.
  /// Row-major, 784 bytes, ready for the training normalisation. A blank image (no ink) gives
  /// 784 zeros rather than an error: the model still answers, as it would for an empty canvas.
  public func mnistPixels() -> [UInt8] {
    let side = Self.mnistSide
    let ink = InkMap(self)
    let strongest = ink.maximum
    guard strongest >= Self.minimumContrast,
      let box = ink.boundingBox(above: Self.inkThreshold * strongest)
    else { return [UInt8](repeating: 0, count: side * side) }
    let scale = Float(Self.inkBox) / Float(max(box.x.count, box.y.count))
    let fitted = ink.cropped(x: box.x, y: box.y).resized(
      width: max(1, Int((Float(box.x.count) * scale).rounded())),
      height: max(1, Int((Float(box.y.count) * scale).rounded())))
    let stretch = 255 / max(fitted.maximum, .leastNormalMagnitude)
    let digit = fitted.values.map { UInt8(min(255, max(0, ($0 * stretch).rounded()))) }
    return centredByMass(digit, width: fitted.width, height: fitted.height, side: side)
  }
}

/// `digit` pasted into a side x side black square, shifted so that its centre of mass (pixel
/// index coordinates) lands on (side / 2, side / 2) rounded; ink shifted past an edge is cut.
func centredByMass(_ digit: [UInt8], width: Int, height: Int, side: Int) -> [UInt8] {
  var (mass, sumX, sumY) = (0.0, 0.0, 0.0)
  for y in 0..<height {
    for x in 0..<width {
      let value = Double(digit[y * width + x])
      mass += value
      sumX += value * Double(x)
      sumY += value * Double(y)
    }
  }
  var out = [UInt8](repeating: 0, count: side * side)
  guard mass > 0 else { return out }
  let centre = Double(side / 2)
  let offsetX = Int((centre - sumX / mass).rounded())
  let offsetY = Int((centre - sumY / mass).rounded())
  for y in 0..<height where (0..<side).contains(y + offsetY) {
    for x in 0..<width where (0..<side).contains(x + offsetX) {
      out[(y + offsetY) * side + x + offsetX] = digit[y * width + x]
    }
  }
  return out
}

import DigitsImaging

/// A grayscale surface for synthetic digits: antialiased round-ended strokes and filled
/// rectangles of one ink on one paper tone. Overlapping strokes do not darken each other (each
/// pixel keeps its largest coverage), as with a real pen.
struct Canvas {
  let width: Int
  let height: Int
  let paper: UInt8
  let ink: UInt8
  /// Fraction of each pixel covered by ink, 0...1.
  private(set) var coverage: [Double]

  init(width: Int, height: Int, paper: UInt8 = 235, ink: UInt8 = 20) {
    self.width = width
    self.height = height
    self.paper = paper
    self.ink = ink
    coverage = [Double](repeating: 0, count: width * height)
  }

  var pixels: [UInt8] {
    coverage.map { UInt8((Double(paper) + (Double(ink) - Double(paper)) * $0).rounded()) }
  }

  var image: DigitImage { DigitImage(width: width, height: height, pixels: pixels) }

  /// A segment of half-width `radius`; a pixel's coverage is how far its centre lies inside.
  mutating func stroke(_ from: (x: Double, y: Double), _ to: (x: Double, y: Double), radius: Double) {
    for y in 0..<height {
      for x in 0..<width {
        let distance = segmentDistance(x: Double(x) + 0.5, y: Double(y) + 0.5, from, to)
        coverage[y * width + x] = max(coverage[y * width + x], min(1, max(0, radius + 0.5 - distance)))
      }
    }
  }

  mutating func fill(x: Range<Int>, y: Range<Int>) {
    for row in y { for column in x { coverage[row * width + column] = 1 } }
  }
}

private func segmentDistance(x: Double, y: Double, _ a: (x: Double, y: Double), _ b: (x: Double, y: Double))
  -> Double
{
  let (dx, dy) = (b.x - a.x, b.y - a.y)
  let length = dx * dx + dy * dy
  let t = length == 0 ? 0 : min(1, max(0, ((x - a.x) * dx + (y - a.y) * dy) / length))
  let (px, py) = (a.x + t * dx - x, a.y + t * dy - y)
  return (px * px + py * py).squareRoot()
}

/// Facts about a 28x28 preprocessed digit that the tests check.
struct DigitFacts {
  let pixels: [UInt8]
  let side = 28

  /// Centre of mass in pixel index coordinates (pixel (0, 0) at (0, 0)).
  var centreOfMass: (x: Double, y: Double) {
    var (mass, sx, sy) = (0.0, 0.0, 0.0)
    for y in 0..<side {
      for x in 0..<side {
        let value = Double(pixels[y * side + x])
        mass += value
        sx += value * Double(x)
        sy += value * Double(y)
      }
    }
    return (sx / mass, sy / mass)
  }

  /// Width and height of the smallest box around the non-zero pixels.
  var inkBox: (width: Int, height: Int) {
    let rows = (0..<side).filter { y in (0..<side).contains { pixels[y * side + $0] > 0 } }
    let columns = (0..<side).filter { x in (0..<side).contains { pixels[$0 * side + x] > 0 } }
    guard let top = rows.first, let left = columns.first else { return (0, 0) }
    return (columns.last! - left + 1, rows.last! - top + 1)
  }

  var borderIsBlack: Bool {
    (0..<side).allSatisfy { i in
      pixels[i] == 0 && pixels[(side - 1) * side + i] == 0 && pixels[i * side] == 0
        && pixels[i * side + side - 1] == 0
    }
  }
}

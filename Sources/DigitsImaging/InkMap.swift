/// Ink per pixel (0: background, larger: more ink) of a grayscale image of either polarity: the
/// image is inverted when its border is light, and the border's mean ink (paper tone, scanner
/// gray) is subtracted, so the background is 0 as in MNIST, whose sources were binary scans.
struct InkMap {
  var width: Int
  var height: Int
  var values: [Float]

  init(width: Int, height: Int, values: [Float]) {
    self.width = width
    self.height = height
    self.values = values
  }

  init(_ image: DigitImage) {
    let paper = borderMean(image)
    let invert = paper > 127.5
    var ink = image.pixels.map { Float(invert ? 255 - $0 : $0) }
    let background = invert ? 255 - paper : paper
    for i in ink.indices { ink[i] = max(0, ink[i] - background) }
    self.init(width: image.width, height: image.height, values: ink)
  }

  var maximum: Float { values.max() ?? 0 }

  /// The smallest rectangle holding every pixel with more ink than `threshold`; nil if none has.
  func boundingBox(above threshold: Float) -> (x: Range<Int>, y: Range<Int>)? {
    var (minX, maxX, minY, maxY) = (width, -1, height, -1)
    for y in 0..<height {
      for x in 0..<width where values[y * width + x] > threshold {
        minX = min(minX, x)
        maxX = max(maxX, x)
        minY = min(minY, y)
        maxY = max(maxY, y)
      }
    }
    return maxX < 0 ? nil : (minX..<(maxX + 1), minY..<(maxY + 1))
  }

  func cropped(x: Range<Int>, y: Range<Int>) -> InkMap {
    var out: [Float] = []
    out.reserveCapacity(x.count * y.count)
    for row in y {
      out.append(contentsOf: values[(row * width + x.lowerBound)..<(row * width + x.upperBound)])
    }
    return InkMap(width: x.count, height: y.count, values: out)
  }
}

/// Mean gray of the outermost rows and columns (each pixel once): the paper, for a photo or
/// scan of one digit.
private func borderMean(_ image: DigitImage) -> Float {
  let (width, height) = (image.width, image.height)
  var sum = 0
  var count = 0
  for y in height > 1 ? [0, height - 1] : [0] {
    for x in 0..<width { sum += Int(image[x, y]) }
    count += width
  }
  for y in 1..<max(1, height - 1) {
    sum += Int(image[0, y])
    count += 1
    if width > 1 {
      sum += Int(image[width - 1, y])
      count += 1
    }
  }
  return Float(sum) / Float(count)
}

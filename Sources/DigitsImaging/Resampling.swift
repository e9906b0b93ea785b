/// The input pixels, and their weights, that make each output pixel along one axis. Shrinking
/// averages exactly the span of input each output pixel covers (antialiased, like the
/// anti-aliasing MNIST's size normalisation used); enlarging is bilinear, as averaging would
/// give blocks.
struct AxisWeights {
  var starts: [Int] = []
  var weights: [[Float]] = []

  init(from input: Int, to output: Int) {
    let ratio = Double(input) / Double(output)
    for o in 0..<output {
      if output <= input {
        let (low, high) = (Double(o) * ratio, Double(o + 1) * ratio)
        let first = Int(low.rounded(.down))
        let last = min(input, Int(high.rounded(.up))) - 1
        starts.append(first)
        weights.append(
          (first...last).map { Float((min(Double($0 + 1), high) - max(Double($0), low)) / ratio) })
      } else {
        let source = min(max((Double(o) + 0.5) * ratio - 0.5, 0), Double(input - 1))
        let first = Int(source.rounded(.down))
        let fraction = Float(source - Double(first))
        starts.append(first)
        weights.append(first + 1 < input ? [1 - fraction, fraction] : [1])
      }
    }
  }
}

extension InkMap {
  /// Resampled to `width` x `height`, one axis after the other.
  func resized(width newWidth: Int, height newHeight: Int) -> InkMap {
    let across = AxisWeights(from: width, to: newWidth)
    let down = AxisWeights(from: height, to: newHeight)
    var rows = [Float](repeating: 0, count: height * newWidth)
    for y in 0..<height {
      for x in 0..<newWidth {
        var sum: Float = 0
        for (k, weight) in across.weights[x].enumerated() {
          sum += weight * values[y * width + across.starts[x] + k]
        }
        rows[y * newWidth + x] = sum
      }
    }
    var out = [Float](repeating: 0, count: newHeight * newWidth)
    for y in 0..<newHeight {
      for (k, weight) in down.weights[y].enumerated() {
        let source = (down.starts[y] + k) * newWidth
        for x in 0..<newWidth { out[y * newWidth + x] += weight * rows[source + x] }
      }
    }
    return InkMap(width: newWidth, height: newHeight, values: out)
  }
}

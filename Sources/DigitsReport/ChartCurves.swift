/// Mean, lowest and highest of one position (an iteration, an epoch) over the seeds that reached
/// it; non-finite values (an epoch without validation) are left out.
struct Seeds {
  var mean: Double
  var min: Double
  var max: Double

  /// One entry per position up to the longest curve.
  static func across(_ curves: [[Double]]) -> [Seeds] {
    (0..<(curves.map(\.count).max() ?? 0)).map { position in
      let values = curves.compactMap { position < $0.count ? $0[position] : nil }.filter(\.isFinite)
      guard !values.isEmpty else { return Seeds(mean: .nan, min: .nan, max: .nan) }
      return Seeds(mean: values.reduce(0, +) / Double(values.count), min: values.min()!, max: values.max()!)
    }
  }
}

/// Positions 0..<count thinned to about `columns` evenly spaced ones, the last always kept.
func thinned(_ count: Int, to columns: Int) -> [Int] {
  guard count > columns, columns > 0 else { return Array(0..<count) }
  let stride = Double(count - 1) / Double(columns)
  return (0...columns).map { Int((Double($0) * stride).rounded()) }
}

/// A linear map from [low, high] to [pixels, 0] (SVG's y grows downwards).
struct Axis {
  var low: Double
  var high: Double
  var pixels: Double

  func offset(_ value: Double) -> Double {
    pixels - (min(max(value, low), high) - low) / (high - low) * pixels
  }
}

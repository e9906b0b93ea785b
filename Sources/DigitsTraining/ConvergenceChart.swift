import Foundation

/// The convergence figure as SVG, one colour per group of runs (the seeds of one protocol,
/// model, stem and recipe). Left: training loss per iteration on a log scale, the moving
/// average of the seeds' mean (bold) over the raw mean (faint), a band from the lowest to the
/// highest seed's moving average, and each epoch's mean loss as a dot. Right: validation
/// accuracy per epoch, the mean over seeds with a band from the lowest to the highest seed.
public struct ConvergenceChart {
  public struct Series {
    public var name: String
    /// One per seed.
    public var histories: [TrainingHistory]

    public init(name: String, histories: [TrainingHistory]) {
      self.name = name
      self.histories = histories
    }
  }

  public var series: [Series]
  static let colours = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
    "#bcbd22",
  ]
  let panelWidth = 440.0
  let panelHeight = 300.0
  let margin = (left: 64.0, top: 40.0, bottom: 48.0)
  /// The widest a 12-pixel DejaVu Sans character runs, an overestimate so legend columns never
  /// overlap.
  static let legendCharacterWidth = 7.5

  /// Up to three legend columns, as many as the longest name leaves room for.
  var legendColumns: Int {
    let longest = Double(series.map(\.name.count).max() ?? 0)
    let available = panelWidth * 2 + 64
    return max(1, min(3, Int(available / (30 + longest * Self.legendCharacterWidth + 16))))
  }

  public init(series: [Series]) { self.series = series }

  public init(groups: [RunGroup]) {
    series = groups.map { group in
      Series(
        name: "\(group.label), \(group.runs.count) seed\(group.runs.count == 1 ? "" : "s")",
        histories: group.runs.map(\.history))
    }
  }

  /// Iterations the loss curve is averaged over: about a fiftieth of the longest run, odd.
  public var smoothingWindow: Int {
    let steps = series.flatMap { $0.histories.map(\.steps.count) }.max() ?? 0
    return steps / 100 * 2 + 1
  }

  /// The mean of the `window` values centred on each position (fewer at either end, where the
  /// window is cut to what the curve has).
  public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
    let half = max(window, 1) / 2
    var prefix = [0.0]
    prefix.reserveCapacity(values.count + 1)
    for value in values { prefix.append(prefix.last! + value) }
    return values.indices.map { position in
      let (first, last) = (max(0, position - half), min(values.count - 1, position + half))
      return (prefix[last + 1] - prefix[first]) / Double(last - first + 1)
    }
  }

  public var svg: String {
    let width = margin.left * 2 + panelWidth * 2 + 64
    let legendColumns = self.legendColumns
    let legendRows = (series.count + legendColumns - 1) / legendColumns
    let legendTop = margin.top + panelHeight + margin.bottom + 12
    let height = legendTop + Double(legendRows) * 20 + 28
    var parts = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
    ]
    parts += lossPanel(x0: margin.left)
    parts += accuracyPanel(x0: margin.left * 2 + panelWidth + 40)
    let columnWidth = (width - margin.left * 2) / Double(legendColumns)
    for (index, run) in series.enumerated() {
      let x = margin.left + Double(index % legendColumns) * columnWidth
      let y = legendTop + Double(index / legendColumns) * 20
      parts.append(
        "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 24)\" y2=\"\(y)\" stroke=\"\(colour(index))\" stroke-width=\"3\"/>"
      )
      parts.append("<text x=\"\(x + 30)\" y=\"\(y + 4)\">\(xmlEscaped(run.name))</text>")
    }
    parts.append(
      "<text x=\"\(margin.left)\" y=\"\(fmt(legendTop + Double(legendRows) * 20 + 8))\" fill=\"#555\" font-size=\"11\">"
        + "Lines: mean over seeds; bands: lowest to highest seed; faint: raw per-iteration loss "
        + "(mean over seeds); dots: each epoch's mean training loss.</text>")
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
  }

  private func colour(_ index: Int) -> String { Self.colours[index % Self.colours.count] }

  /// One series' training-loss curves: raw mean, smoothed mean and the smoothed band, with the
  /// epoch-mean dots at each epoch's last iteration.
  private struct LossCurves {
    var raw: [Double]
    var smoothed: [Seeds]
    var epochMeans: [(iteration: Int, loss: Double)]

    init(_ series: Series, window: Int) {
      let perSeed = series.histories.map { $0.steps.map { Double($0.loss) } }
      raw = Seeds.across(perSeed).map(\.mean)
      smoothed = Seeds.across(perSeed.map { ConvergenceChart.movingAverage($0, window: window) })
      let stepsPerEpoch =
        series.histories.first { !$0.epochs.isEmpty }.map { $0.steps.count / $0.epochs.count } ?? 0
      epochMeans = Seeds.across(series.histories.map { $0.epochs.map { Double($0.trainLoss) } })
        .enumerated().map { ((($0.offset + 1) * stepsPerEpoch), $0.element.mean) }
    }
  }

  private func lossPanel(x0: Double) -> [String] {
    let curves = series.map { LossCurves($0, window: smoothingWindow) }
    let smoothLows = curves.flatMap { $0.smoothed.map(\.min) + $0.epochMeans.map(\.loss) }.filter {
      $0 > 0 && $0.isFinite
    }
    let highs = curves.flatMap(\.raw).filter { $0 > 0 && $0.isFinite }
    let maxIteration = Double(curves.map(\.raw.count).max() ?? 1)
    let low = floor(log10(smoothLows.min() ?? 0.01))
    let high = max(ceil(log10(highs.max() ?? 10)), low + 1)
    let scale = Axis(low: low, high: high, pixels: panelHeight)
    func px(_ iteration: Double) -> Double { x0 + iteration / max(maxIteration, 1) * panelWidth }
    func py(_ loss: Double) -> Double { margin.top + scale.offset(log10(max(loss, pow(10, low)))) }
    var parts = frame(
      x0: x0,
      title:
        "Training loss (log scale\(smoothingWindow > 1 ? "; moving average of \(smoothingWindow) iterations" : ", per iteration"))",
      xLabel: "iteration")
    for exponent in stride(from: Int(low), through: Int(high), by: 1) {
      let y = py(pow(10, Double(exponent)))
      parts.append(
        gridLine(x0: x0, y: y, label: exponent >= 0 ? "\(Int(pow(10, Double(exponent))))" : "1e\(exponent)"))
    }
    parts += xTicks(x0: x0, maximum: maxIteration, position: px)
    // In layers across the groups: every raw curve, then every band, then the lines and dots.
    var (raws, bands, lines) = ([String](), [String](), [String]())
    let columns = Int(panelWidth)
    for (index, curve) in curves.enumerated() {
      func point(_ position: Int, _ loss: Double) -> String {
        "\(fmt(px(Double(position + 1)))),\(fmt(py(loss)))"
      }
      let raw = envelope(curve.raw, columns: columns).map { point($0.position, $0.value) }
      raws.append(polyline(raw, colour: colour(index), width: 1, opacity: 0.2))
      let kept = thinned(curve.smoothed.count, to: columns)
      if curve.smoothed.contains(where: { $0.max > $0.min }) {
        bands.append(
          band(
            upper: kept.map { point($0, curve.smoothed[$0].max) },
            lower: kept.map { point($0, curve.smoothed[$0].min) }, colour: colour(index)))
      }
      lines.append(
        polyline(kept.map { point($0, curve.smoothed[$0].mean) }, colour: colour(index), width: 2, opacity: 1)
      )
      for epoch in curve.epochMeans where epoch.iteration > 0 {
        lines.append(dot(x: px(Double(epoch.iteration)), y: py(epoch.loss), colour: colour(index)))
      }
    }
    parts += raws + bands + lines
    return parts + [border(x0: x0)]
  }

  private func accuracyPanel(x0: Double) -> [String] {
    let curves = series.map { run in
      Seeds.across(run.histories.map { $0.epochs.map { Double($0.validationAccuracy) * 100 } })
    }
    let lowest = curves.flatMap { $0.map(\.min) }.filter(\.isFinite).min() ?? 90
    let maxEpoch = Double(curves.map(\.count).max() ?? 1)
    let low = floor(min(lowest, 99.5) * 2) / 2
    let scale = Axis(low: low, high: 100, pixels: panelHeight)
    func px(_ epoch: Double) -> Double { x0 + (epoch - 1) / max(maxEpoch - 1, 1) * panelWidth }
    func py(_ accuracy: Double) -> Double { margin.top + scale.offset(accuracy) }
    var parts = frame(x0: x0, title: "Validation accuracy (per epoch, %)", xLabel: "epoch")
    let step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20].first { $0 >= (100 - low) / 6 } ?? 20
    for value in stride(from: (low / step).rounded(.up) * step, through: 100 + step / 2, by: step) {
      parts.append(gridLine(x0: x0, y: py(value), label: String(format: step < 1 ? "%.1f" : "%.0f", value)))
    }
    let epochStep = max(1, Int(maxEpoch) / 10)
    for epoch in stride(from: 1, through: max(Int(maxEpoch), 1), by: epochStep) {
      parts.append(
        "<text x=\"\(fmt(px(Double(epoch))))\" y=\"\(fmt(margin.top + panelHeight + 18))\" text-anchor=\"middle\">\(epoch)</text>"
      )
    }
    var (bands, lines) = ([String](), [String]())
    for (index, curve) in curves.enumerated() {
      let epochs = curve.indices.filter { curve[$0].mean.isFinite }
      func point(_ epoch: Int, _ accuracy: Double) -> String {
        "\(fmt(px(Double(epoch + 1)))),\(fmt(py(accuracy)))"
      }
      if epochs.contains(where: { curve[$0].max > curve[$0].min }) {
        bands.append(
          band(
            upper: epochs.map { point($0, curve[$0].max) }, lower: epochs.map { point($0, curve[$0].min) },
            colour: colour(index)))
      }
      lines.append(
        polyline(epochs.map { point($0, curve[$0].mean) }, colour: colour(index), width: 2, opacity: 1))
      for epoch in epochs {
        lines.append(dot(x: px(Double(epoch + 1)), y: py(curve[epoch].mean), colour: colour(index)))
      }
    }
    parts += bands + lines
    return parts + [border(x0: x0)]
  }

  private func polyline(_ points: [String], colour: String, width: Double, opacity: Double) -> String {
    "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-opacity=\"\(opacity)\" stroke-width=\"\(width)\" "
      + "stroke-linejoin=\"round\" points=\"\(points.joined(separator: " "))\"/>"
  }

  /// The area between two curves given left to right.
  private func band(upper: [String], lower: [String], colour: String) -> String {
    "<polygon fill=\"\(colour)\" fill-opacity=\"0.2\" stroke=\"none\" points=\""
      + (upper + lower.reversed()).joined(separator: " ") + "\"/>"
  }

  private func dot(x: Double, y: Double, colour: String) -> String {
    "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
  }

  /// The panel's title and axis label; `border` goes last, over the grid lines.
  private func frame(x0: Double, title: String, xLabel: String) -> [String] {
    [
      "<text x=\"\(x0 + panelWidth / 2)\" y=\"\(margin.top - 14)\" text-anchor=\"middle\" font-size=\"13\">\(title)</text>",
      "<text x=\"\(x0 + panelWidth / 2)\" y=\"\(margin.top + panelHeight + 36)\" text-anchor=\"middle\">\(xLabel)</text>",
    ]
  }

  private func border(x0: Double) -> String {
    "<rect x=\"\(x0)\" y=\"\(margin.top)\" width=\"\(panelWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#444\"/>"
  }

  private func gridLine(x0: Double, y: Double, label: String) -> String {
    "<line x1=\"\(x0)\" y1=\"\(fmt(y))\" x2=\"\(x0 + panelWidth)\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>"
      + "<text x=\"\(x0 - 6)\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(label)</text>"
  }

  private func xTicks(x0: Double, maximum: Double, position: (Double) -> Double) -> [String] {
    let rough = maximum / 5
    let magnitude = pow(10, floor(log10(max(rough, 1))))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? rough
    return stride(from: 0, through: maximum, by: step).map {
      "<text x=\"\(fmt(position($0)))\" y=\"\(fmt(margin.top + panelHeight + 18))\" text-anchor=\"middle\">\(Int($0))</text>"
    }
  }

  private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

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

/// A jagged curve reduced to its lowest and highest value in each of `columns` spans (in the
/// order they occur), so that its spikes survive the thinning; finite values only.
func envelope(_ values: [Double], columns: Int) -> [(position: Int, value: Double)] {
  let finite = values.indices.filter { values[$0].isFinite }
  guard finite.count > columns * 2, columns > 0 else { return finite.map { ($0, values[$0]) } }
  var points: [(position: Int, value: Double)] = []
  for column in 0..<columns {
    let span = finite[(finite.count * column / columns)..<(finite.count * (column + 1) / columns)]
    guard let lowest = span.min(by: { values[$0] < values[$1] }),
      let highest = span.max(by: { values[$0] < values[$1] })
    else { continue }
    for position in [lowest, highest].sorted() { points.append((position, values[position])) }
  }
  return points
}

/// `text` with XML's five special characters escaped, for SVG text and attributes.
func xmlEscaped(_ text: String) -> String {
  var escaped = ""
  for character in text {
    switch character {
    case "&": escaped += "&amp;"
    case "<": escaped += "&lt;"
    case ">": escaped += "&gt;"
    case "\"": escaped += "&quot;"
    case "'": escaped += "&apos;"
    default: escaped.append(character)
    }
  }
  return escaped
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

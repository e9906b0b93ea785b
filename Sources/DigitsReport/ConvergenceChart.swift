import DigitsTraining
import Foundation

/// A convergence figure as SVG, one colour per group of runs (the seeds of one protocol, model,
/// stem and recipe), against epochs, so that runs of different batch sizes line up. Left:
/// training loss on a log scale, each epoch's mean (bold, dots at the epoch's end) in a band from
/// the lowest to the highest seed, over the per-iteration loss averaged over a tenth of an epoch
/// (faint). Right: validation accuracy per epoch, the mean over seeds in the same kind of band.
public struct ConvergenceChart {
  public struct Series {
    public var name: String
    /// One per seed.
    public var histories: [TrainingHistory]
    /// The label smoothing of the runs' loss: a smoothed cross-entropy cannot fall below
    /// `ConvergenceChart.lossFloor(labelSmoothing:)`, so it is not comparable with a plain one.
    public var labelSmoothing: Float

    public init(name: String, histories: [TrainingHistory], labelSmoothing: Float = 0) {
      self.name = name
      self.histories = histories
      self.labelSmoothing = labelSmoothing
    }
  }

  public var series: [Series]
  /// The classes the loss is over (its floor under label smoothing depends on them).
  public var classes = 10

  static let colours = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
    "#bcbd22",
  ]
  static let panelWidth = 440.0
  static let panelHeight = 300.0
  static let margin = (side: 64.0, gap: 104.0, bottom: 48.0)
  static let width = margin.side * 2 + panelWidth * 2 + margin.gap
  static let titleSize = 13.0
  static let legendSize = 12.0
  static let noteSize = 11.0
  /// The legend's line before each name, and the space after the name.
  static let legendSwatch = 30.0
  static let legendGap = 16.0

  public init(series: [Series]) { self.series = series }

  public init(groups: [RunGroup]) {
    series = groups.map { group in
      Series(
        name: "\(group.label), \(group.runs.count) seed\(group.runs.count == 1 ? "" : "s")",
        histories: group.runs.map(\.history), labelSmoothing: group.runs[0].config.labelSmoothing)
    }
  }

  /// The lowest cross-entropy a prediction can reach against labels smoothed by `labelSmoothing`
  /// over `classes`: the entropy of the smoothed labels (0.50 for 0.1 over 10 classes).
  public static func lossFloor(labelSmoothing: Float, classes: Int) -> Double {
    let (smoothing, count) = (Double(labelSmoothing), Double(classes))
    guard smoothing > 0, classes > 1 else { return 0 }
    let (right, wrong) = (1 - smoothing + smoothing / count, smoothing / count)
    return -(right * log(right) + (count - 1) * wrong * log(wrong))
  }

  /// The label smoothings of the series, smallest first.
  var smoothings: [Float] { Array(Set(series.map(\.labelSmoothing))).sorted() }

  /// The loss panel's title: what the loss is, and when the series differ, which are smoothed.
  var lossTitle: String {
    let smoothings = self.smoothings
    let values = smoothings.filter { $0 > 0 }.map { "\($0)" }.joined(separator: ", ")
    if smoothings == [0] || smoothings.isEmpty { return "Training loss (cross-entropy, log scale)" }
    if smoothings.count == 1 {
      return "Training loss (cross-entropy with label smoothing \(values), log scale; dashed: its floor)"
    }
    return "Training loss (log scale): label-smoothed \(values) where the legend says so, plain "
      + "cross-entropy otherwise; dashed: the smoothed loss's floor"
  }

  /// The legend's name of a series, with its label smoothing when the series differ in it.
  func legendName(_ series: Series) -> String {
    guard smoothings.count > 1, series.labelSmoothing > 0 else { return series.name }
    return series.name + " (label smoothing \(series.labelSmoothing))"
  }

  /// Up to three legend columns, as many as the longest name leaves room for (a longer name
  /// than one column holds is wrapped).
  var legendColumns: Int {
    let longest = series.map { SVGText.width(legendName($0), fontSize: Self.legendSize) }.max() ?? 0
    let available = Self.width - Self.margin.side * 2
    return max(1, min(3, Int(available / (Self.legendSwatch + longest + Self.legendGap))))
  }

  public var svg: String {
    let titleLines = [lossTitle, "Validation accuracy (%)"].map {
      SVGText.wrapped($0, width: Self.panelWidth, fontSize: Self.titleSize)
    }
    let top = 14 + Double(titleLines.map(\.count).max() ?? 1) * 16 + 10
    var parts = [String]()
    parts += lossPanel(x0: Self.margin.side, top: top, title: titleLines[0])
    parts += accuracyPanel(
      x0: Self.margin.side + Self.panelWidth + Self.margin.gap, top: top, title: titleLines[1])
    let (legend, legendBottom) = self.legend(top: top + Self.panelHeight + Self.margin.bottom + 12)
    parts += legend
    let note = SVGText.wrapped(
      "Lines: mean over seeds, dots at each epoch's end; bands: lowest to highest seed; faint: the "
        + "per-iteration training loss, mean over seeds, averaged over a tenth of an epoch.",
      width: Self.width - Self.margin.side * 2, fontSize: Self.noteSize)
    parts.append(
      SVGText.element(
        note, x: Self.margin.side, y: legendBottom + 12, lineHeight: 14,
        attributes: "fill=\"#555\" font-size=\"\(Int(Self.noteSize))\""))
    let height = legendBottom + 12 + Double(note.count) * 14 + 6
    let header = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(height))\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
    ]
    return (header + parts + ["</svg>"]).joined(separator: "\n") + "\n"
  }

  /// The legend from `top`: a line of each series' colour and its name, wrapped to its column;
  /// returns its elements and where it ends.
  private func legend(top: Double) -> (parts: [String], bottom: Double) {
    let columns = legendColumns
    let columnWidth = (Self.width - Self.margin.side * 2) / Double(columns)
    let textWidth = columnWidth - Self.legendSwatch - Self.legendGap
    let lineHeight = 15.0
    var parts: [String] = []
    var rowTop = top
    for rowStart in stride(from: 0, to: series.count, by: columns) {
      var tallest = 1
      for index in rowStart..<min(rowStart + columns, series.count) {
        let x = Self.margin.side + Double(index - rowStart) * columnWidth
        let lines = SVGText.wrapped(legendName(series[index]), width: textWidth, fontSize: Self.legendSize)
        tallest = max(tallest, lines.count)
        parts.append(
          "<line x1=\"\(fmt(x))\" y1=\"\(fmt(rowTop))\" x2=\"\(fmt(x + 24))\" y2=\"\(fmt(rowTop))\" "
            + "stroke=\"\(colour(index))\" stroke-width=\"3\"/>")
        parts.append(SVGText.element(lines, x: x + Self.legendSwatch, y: rowTop + 4, lineHeight: lineHeight))
      }
      rowTop += Double(tallest) * lineHeight + 5
    }
    return (parts, rowTop)
  }

  private func colour(_ index: Int) -> String { Self.colours[index % Self.colours.count] }

  /// The longest run in epochs, the x-axis of both panels.
  private var epochs: Int { series.flatMap { $0.histories.map(\.epochs.count) }.max() ?? 1 }

  /// One series' training loss: each epoch's mean over the seeds, and the per-iteration loss
  /// averaged over a tenth of an epoch, with each iteration's place in epochs.
  private struct LossCurves {
    var epochMeans: [Seeds]
    var iterations: [(epoch: Double, loss: Double)]

    init(_ series: Series) {
      epochMeans = Seeds.across(series.histories.map { $0.epochs.map { Double($0.trainLoss) } })
      let stepsPerEpoch =
        series.histories.first { !$0.epochs.isEmpty }.map { $0.steps.count / $0.epochs.count } ?? 0
      guard stepsPerEpoch > 0 else {
        iterations = []
        return
      }
      let window = stepsPerEpoch / 20 * 2 + 1
      let smoothed = Seeds.across(
        series.histories.map { history in
          ConvergenceChart.movingAverage(history.steps.map { Double($0.loss) }, window: window)
        })
      iterations = thinned(smoothed.count, to: Int(ConvergenceChart.panelWidth)).map {
        (Double($0 + 1) / Double(stepsPerEpoch), smoothed[$0].mean)
      }
    }
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

  private func lossPanel(x0: Double, top: Double, title: [String]) -> [String] {
    let curves = series.map(LossCurves.init)
    let floors = smoothings.filter { $0 > 0 }.map { Self.lossFloor(labelSmoothing: $0, classes: classes) }
    let values =
      curves.flatMap { $0.epochMeans.flatMap { [$0.min, $0.max] } + $0.iterations.map(\.loss) } + floors
    let positive = values.filter { $0 > 0 && $0.isFinite }
    let low = floor(log10(positive.min() ?? 0.01))
    let high = max(ceil(log10(positive.max() ?? 10)), low + 1)
    let scale = Axis(low: low, high: high, pixels: Self.panelHeight)
    func py(_ loss: Double) -> Double { top + scale.offset(log10(max(loss, pow(10, low)))) }
    let px = epochPosition(x0)
    var parts = frame(x0: x0, top: top, title: title)
    for exponent in stride(from: Int(low), through: Int(high), by: 1) {
      let label = exponent >= 0 ? "\(Int(pow(10, Double(exponent))))" : "1e\(exponent)"
      parts.append(gridLine(x0: x0, y: py(pow(10, Double(exponent))), label: label))
    }
    for floor in floors {
      parts.append(
        "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(py(floor)))\" x2=\"\(fmt(x0 + Self.panelWidth))\" "
          + "y2=\"\(fmt(py(floor)))\" stroke=\"#444\" stroke-dasharray=\"5 4\"/>")
    }
    // In layers across the groups: the faint curves, then the bands, then the lines and dots.
    var (faint, bands, lines) = ([String](), [String](), [String]())
    for (index, curve) in curves.enumerated() {
      faint.append(
        polyline(
          curve.iterations.map { "\(fmt(px($0.epoch))),\(fmt(py($0.loss)))" }, colour: colour(index),
          width: 1,
          opacity: 0.35))
      let (band, line) = epochCurve(curve.epochMeans, colour: colour(index), x: px, y: py)
      bands += band
      lines += line
    }
    return parts + faint + bands + lines + [border(x0: x0, top: top)]
  }

  private func accuracyPanel(x0: Double, top: Double, title: [String]) -> [String] {
    let curves = series.map { run in
      Seeds.across(run.histories.map { $0.epochs.map { Double($0.validationAccuracy) * 100 } })
    }
    let low = Self.accuracyAxisLow(curves)
    let scale = Axis(low: low, high: 100, pixels: Self.panelHeight)
    func py(_ accuracy: Double) -> Double { top + scale.offset(accuracy) }
    var parts = frame(x0: x0, top: top, title: title)
    let step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20].first { $0 >= (100 - low) / 6 } ?? 20
    for value in stride(from: (low / step).rounded(.up) * step, through: 100 + step / 2, by: step) {
      parts.append(gridLine(x0: x0, y: py(value), label: String(format: step < 1 ? "%.1f" : "%.0f", value)))
    }
    var (bands, lines) = ([String](), [String]())
    for (index, curve) in curves.enumerated() {
      let (band, line) = epochCurve(curve, colour: colour(index), x: epochPosition(x0), y: py)
      bands += band
      lines += line
      // A mean below the axis sits on its edge, with its value beside it.
      for epoch in curve.indices where curve[epoch].mean < low {
        lines.append(
          "<text x=\"\(fmt(epochPosition(x0)(Double(epoch + 1)) + 10))\" y=\"\(fmt(py(low) - 5))\" "
            + "fill=\"\(colour(index))\">\(String(format: "%.1f", curve[epoch].mean)) ↓</text>")
      }
    }
    return parts + bands + lines + [border(x0: x0, top: top)]
  }

  /// The accuracy axis's lowest value, on a half point: the lowest seed's, unless one early
  /// epoch lies far below the rest (a ResNet50 at 79% after its first epoch, 96-99.6% after),
  /// which would squeeze the later epochs, where the groups differ, into a sliver; the axis then
  /// starts at the later epochs' lowest and that epoch sits on its edge, labelled.
  static func accuracyAxisLow(_ curves: [[Seeds]]) -> Double {
    let lowest = curves.flatMap { $0.map(\.min) }.filter(\.isFinite).min() ?? 90
    let later = curves.flatMap { $0.dropFirst().map(\.min) }.filter(\.isFinite).min() ?? lowest
    let axis = 100 - lowest > 3 * (100 - later) ? later : lowest
    return floor(min(axis, 99.5) * 2) / 2
  }

  /// A per-epoch curve over the seeds: its band (when the seeds differ), then its mean line with
  /// a dot at each epoch's end (epoch n at x = n).
  private func epochCurve(
    _ curve: [Seeds], colour: String, x: (Double) -> Double, y: (Double) -> Double
  ) -> (band: [String], line: [String]) {
    let epochs = curve.indices.filter { curve[$0].mean.isFinite }
    func point(_ epoch: Int, _ value: Double) -> String { "\(fmt(x(Double(epoch + 1)))),\(fmt(y(value)))" }
    let band =
      epochs.contains { curve[$0].max > curve[$0].min }
      ? [
        "<polygon fill=\"\(colour)\" fill-opacity=\"0.2\" stroke=\"none\" points=\""
          + (epochs.map { point($0, curve[$0].max) } + epochs.reversed().map { point($0, curve[$0].min) })
          .joined(separator: " ") + "\"/>"
      ] : []
    let line =
      [polyline(epochs.map { point($0, curve[$0].mean) }, colour: colour, width: 2, opacity: 1)]
      + epochs.map {
        "<circle cx=\"\(fmt(x(Double($0 + 1))))\" cy=\"\(fmt(y(curve[$0].mean)))\" r=\"3.5\" fill=\"\(colour)\"/>"
      }
    return (band, line)
  }

  /// x of an epoch (0 at the panel's left edge, the longest run's last epoch at its right).
  private func epochPosition(_ x0: Double) -> (Double) -> Double {
    let epochs = Double(max(self.epochs, 1))
    return { x0 + $0 / epochs * Self.panelWidth }
  }

  private func polyline(_ points: [String], colour: String, width: Double, opacity: Double) -> String {
    "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-opacity=\"\(opacity)\" stroke-width=\"\(width)\" "
      + "stroke-linejoin=\"round\" points=\"\(points.joined(separator: " "))\"/>"
  }

  /// The panel's title above it, its epoch ticks and axis label; `border` goes last, over the
  /// grid lines.
  private func frame(x0: Double, top: Double, title: [String]) -> [String] {
    let centre = x0 + Self.panelWidth / 2
    let titleTop = top - 10 - Double(title.count - 1) * 16
    let x = epochPosition(x0)
    let step = max(1, epochs / 10)
    let ticks = stride(from: 0, through: epochs, by: step).map {
      "<text x=\"\(fmt(x(Double($0))))\" y=\"\(fmt(top + Self.panelHeight + 18))\" text-anchor=\"middle\">\($0)</text>"
    }
    return [
      SVGText.element(
        title, x: centre, y: titleTop, lineHeight: 16,
        attributes: "text-anchor=\"middle\" font-size=\"\(Int(Self.titleSize))\""),
      "<text x=\"\(fmt(centre))\" y=\"\(fmt(top + Self.panelHeight + 36))\" text-anchor=\"middle\">epoch</text>",
    ] + ticks
  }

  private func border(x0: Double, top: Double) -> String {
    "<rect x=\"\(fmt(x0))\" y=\"\(fmt(top))\" width=\"\(fmt(Self.panelWidth))\" height=\"\(fmt(Self.panelHeight))\" "
      + "fill=\"none\" stroke=\"#444\"/>"
  }

  private func gridLine(x0: Double, y: Double, label: String) -> String {
    "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x0 + Self.panelWidth))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>"
      + "<text x=\"\(fmt(x0 - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(label)</text>"
  }

  private func fmt(_ value: Double) -> String { SVGText.format(value) }
}

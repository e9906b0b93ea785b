import Foundation

/// The convergence figure as SVG: training loss per iteration (log scale, with the epoch
/// means as dots) on the left, validation accuracy per epoch on the right, one colour per run.
public struct ConvergenceChart {
  public struct Series {
    public var name: String
    public var steps: [(iteration: Int, loss: Float)]
    /// (epoch, iteration at the epoch's end, mean training loss, validation accuracy)
    public var epochs: [(epoch: Int, iteration: Int, trainLoss: Float, validationAccuracy: Float)]
  }

  public var series: [Series]
  static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
  let panelWidth = 440.0
  let panelHeight = 300.0
  let margin = (left: 64.0, top: 40.0, bottom: 48.0)

  public init(series: [Series]) { self.series = series }

  public init(runs: [RunSummary]) {
    series = runs.map { run in
      let perEpoch = run.history.steps.count / max(run.history.epochs.count, 1)
      return Series(
        name: run.report.model, steps: run.history.steps,
        epochs: run.history.epochs.map {
          ($0.epoch, $0.epoch * perEpoch, $0.trainLoss, $0.validationAccuracy)
        })
    }
  }

  public var svg: String {
    let width = margin.left * 2 + panelWidth * 2 + 64
    let height = margin.top + panelHeight + margin.bottom + 30
    var parts = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
    ]
    parts += lossPanel(x0: margin.left)
    parts += accuracyPanel(x0: margin.left * 2 + panelWidth + 40)
    for (index, run) in series.enumerated() {
      let x = margin.left + Double(index) * 160
      let y = margin.top + panelHeight + margin.bottom + 12
      parts.append(
        "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 24)\" y2=\"\(y)\" stroke=\"\(colour(index))\" stroke-width=\"3\"/>"
      )
      parts.append("<text x=\"\(x + 30)\" y=\"\(y + 4)\">\(run.name)</text>")
    }
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
  }

  private func colour(_ index: Int) -> String { Self.colours[index % Self.colours.count] }

  private func lossPanel(x0: Double) -> [String] {
    let losses = series.flatMap { $0.steps.map { Double($0.loss) } }.filter { $0 > 0 && $0.isFinite }
    let maxIteration = Double(series.flatMap { $0.steps.map(\.iteration) }.max() ?? 1)
    let low = floor(log10(losses.min() ?? 0.01))
    let high = ceil(log10(losses.max() ?? 10))
    let scale = Axis(low: low, high: max(high, low + 1), pixels: panelHeight)
    func px(_ iteration: Double) -> Double { x0 + iteration / maxIteration * panelWidth }
    func py(_ loss: Double) -> Double { margin.top + scale.offset(log10(max(loss, pow(10, low)))) }
    var parts = frame(x0: x0, title: "Training loss (per iteration, log scale)", xLabel: "iteration")
    for exponent in stride(from: Int(low), through: Int(max(high, low + 1)), by: 1) {
      let y = py(pow(10, Double(exponent)))
      parts.append(
        gridLine(x0: x0, y: y, label: exponent >= 0 ? "\(Int(pow(10, Double(exponent))))" : "1e\(exponent)"))
    }
    parts += xTicks(x0: x0, maximum: maxIteration, position: px)
    for (index, run) in series.enumerated() {
      let points = run.steps.map { "\(fmt(px(Double($0.iteration)))),\(fmt(py(Double($0.loss))))" }
      parts.append(
        "<polyline fill=\"none\" stroke=\"\(colour(index))\" stroke-opacity=\"0.55\" stroke-width=\"1\" points=\"\(points.joined(separator: " "))\"/>"
      )
      for epoch in run.epochs {
        parts.append(
          "<circle cx=\"\(fmt(px(Double(epoch.iteration))))\" cy=\"\(fmt(py(Double(epoch.trainLoss))))\" r=\"3.5\" fill=\"\(colour(index))\"/>"
        )
      }
    }
    return parts
  }

  private func accuracyPanel(x0: Double) -> [String] {
    let accuracies = series.flatMap { $0.epochs.map { Double($0.validationAccuracy) * 100 } }.filter(
      \.isFinite)
    let maxEpoch = Double(series.flatMap { $0.epochs.map(\.epoch) }.max() ?? 1)
    let low = floor(min(accuracies.min() ?? 90, 99.5) * 2) / 2
    let scale = Axis(low: low, high: 100, pixels: panelHeight)
    func px(_ epoch: Double) -> Double { x0 + (epoch - 1) / max(maxEpoch - 1, 1) * panelWidth }
    func py(_ accuracy: Double) -> Double { margin.top + scale.offset(accuracy) }
    var parts = frame(x0: x0, title: "Validation accuracy (per epoch, %)", xLabel: "epoch")
    let step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20].first { $0 >= (100 - low) / 6 } ?? 20
    for value in stride(from: low, through: 100, by: step) {
      parts.append(gridLine(x0: x0, y: py(value), label: String(format: step < 1 ? "%.1f" : "%.0f", value)))
    }
    for epoch in 1...Int(maxEpoch) {
      parts.append(
        "<text x=\"\(fmt(px(Double(epoch))))\" y=\"\(fmt(margin.top + panelHeight + 18))\" text-anchor=\"middle\">\(epoch)</text>"
      )
    }
    for (index, run) in series.enumerated() {
      let points = run.epochs.map {
        "\(fmt(px(Double($0.epoch)))),\(fmt(py(Double($0.validationAccuracy) * 100)))"
      }
      parts.append(
        "<polyline fill=\"none\" stroke=\"\(colour(index))\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
      )
      for epoch in run.epochs {
        parts.append(
          "<circle cx=\"\(fmt(px(Double(epoch.epoch))))\" cy=\"\(fmt(py(Double(epoch.validationAccuracy) * 100)))\" r=\"3.5\" fill=\"\(colour(index))\"/>"
        )
      }
    }
    return parts
  }

  private func frame(x0: Double, title: String, xLabel: String) -> [String] {
    [
      "<rect x=\"\(x0)\" y=\"\(margin.top)\" width=\"\(panelWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#444\"/>",
      "<text x=\"\(x0 + panelWidth / 2)\" y=\"\(margin.top - 14)\" text-anchor=\"middle\" font-size=\"14\">\(title)</text>",
      "<text x=\"\(x0 + panelWidth / 2)\" y=\"\(margin.top + panelHeight + 36)\" text-anchor=\"middle\">\(xLabel)</text>",
    ]
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

/// A linear map from [low, high] to [pixels, 0] (SVG's y grows downwards).
struct Axis {
  var low: Double
  var high: Double
  var pixels: Double

  func offset(_ value: Double) -> Double {
    pixels - (min(max(value, low), high) - low) / (high - low) * pixels
  }
}

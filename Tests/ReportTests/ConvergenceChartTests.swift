import DigitsReport
import DigitsTraining
import Foundation
import Testing

/// The convergence figure: bands over seeds, an epoch axis shared by runs of any batch size, a
/// loss axis that says when losses are label-smoothed, and a legend that stays on the canvas
/// whatever the length of its names.
@Suite struct ConvergenceChartTests {
  /// A line of the figure's text: where it starts or is centred, its size, and the text.
  struct TextLine {
    var x: Double
    var fontSize: Double
    var centred: Bool
    var text: String

    /// Its estimated extent at 0.62 em a character (DejaVu Sans's letters and digits are narrower).
    var extent: ClosedRange<Double> {
      let width = Double(text.count) * fontSize * 0.62
      return centred ? (x - width / 2)...(x + width / 2) : x...(x + width)
    }
  }

  /// The figure's multi-line `<text>` elements' lines (each a `<tspan>`), and the canvas width.
  static func textLines(_ svg: String) throws -> (lines: [TextLine], width: Double) {
    let width = try #require(Double(String(svg.split(separator: "width=\"")[1].split(separator: "\"")[0])))
    var lines: [TextLine] = []
    for element in svg.components(separatedBy: "<text").dropFirst() {
      let tag = element.prefix { $0 != ">" }
      let fontSize = tag.components(separatedBy: "font-size=\"").dropFirst().first.flatMap {
        Double($0.prefix { $0 != "\"" })
      }
      for span in element.components(separatedBy: "<tspan x=\"").dropFirst() {
        let text = span.split(separator: ">", maxSplits: 1)[1].components(separatedBy: "</tspan>")[0]
          .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
        lines.append(
          TextLine(
            x: Double(span.prefix { $0 != "\"" })!, fontSize: fontSize ?? 12,
            centred: tag.contains("text-anchor=\"middle\""), text: text))
      }
    }
    return (lines, width)
  }

  static func history(epochs: Int, stepsPerEpoch: Int, seed: Int = 0) -> TrainingHistory {
    var history = ExperimentReportTests.run(seed: UInt64(seed), accuracy: 0.99).history
    history.epochs = (0..<epochs).map {
      EpochRecord(
        epoch: $0 + 1, trainLoss: 1 / Float($0 + 1), trainAccuracy: 0.9, validationLoss: 0.3,
        validationAccuracy: 0.95 + 0.01 * Float($0), learningRate: 1e-3, seconds: 1)
    }
    history.steps = (1...(epochs * stepsPerEpoch)).map { ($0, 2 / Float($0)) }
    return history
  }

  /// One far-off first epoch (79% against 96-99.5% after) does not set the accuracy axis: it
  /// starts at the later epochs' lowest, and that epoch's mean sits on its edge with its value.
  @Test func aFarOffFirstEpochSitsOnTheAxisEdgeLabelled() {
    var history = Self.history(epochs: 4, stepsPerEpoch: 2)
    for (epoch, accuracy) in [0.786, 0.961, 0.985, 0.995].enumerated() {
      history.epochs[epoch].validationAccuracy = Float(accuracy)
    }
    let svg = ConvergenceChart(series: [.init(name: "a", histories: [history])]).svg
    #expect(svg.contains(">78.6 ↓</text>"))
    #expect(svg.contains(">96</text>") && !svg.contains(">94</text>") && !svg.contains(">80</text>"))
    // Without the far-off epoch the axis starts at the lowest epoch, and nothing is labelled.
    history.epochs[0].validationAccuracy = 0.95
    let plain = ConvergenceChart(series: [.init(name: "a", histories: [history])]).svg
    #expect(!plain.contains("↓") && plain.contains(">95</text>"))
  }

  @Test func bandsSpanTheSeedsAndTheLossIsSmoothed() {
    #expect(ConvergenceChart.movingAverage([1, 2, 3, 4, 5], window: 3) == [1.5, 2, 3, 4, 4.5])
    let runs = Array(ExperimentReportTests.runs.prefix(4))
    let chart = ConvergenceChart(groups: RunGroup.grouping(runs))
    #expect(chart.series.map(\.name) == ["paper resnet34, 3 seeds", "paper resnet34 nomaxpool, 1 seed"])
    let svg = chart.svg
    // The three seeds differ in loss and accuracy: a band each; one seed has none.
    #expect(svg.components(separatedBy: "<polygon").count - 1 == 2)
    // Per group: the faint per-iteration loss, the epochs' loss and their accuracy.
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 6)
    #expect(svg.contains("stroke-opacity=\"0.35\""))
  }

  @Test func runsOfEveryBatchSizeShareTheEpochAxis() throws {
    // Batch 128 and batch 64 over the same images: 10 and 20 iterations an epoch.
    let chart = ConvergenceChart(series: [
      .init(name: "batch 128", histories: [Self.history(epochs: 2, stepsPerEpoch: 10)]),
      .init(name: "batch 64", histories: [Self.history(epochs: 2, stepsPerEpoch: 20)]),
    ])
    let faint = chart.svg.split(separator: "\n").filter { $0.contains("stroke-opacity=\"0.35\"") }
    #expect(faint.count == 2)
    // Each per-iteration curve ends at its last iteration: the end of epoch 2, the same x.
    let ends = try faint.map { line in
      let points = try #require(line.split(separator: "points=\"").last?.split(separator: "\"").first)
      return try #require(points.split(separator: " ").last?.split(separator: ",").first).description
    }
    #expect(ends[0] == ends[1])
    #expect(chart.svg.contains(">epoch</text>") && !chart.svg.contains("iteration</text>"))
  }

  @Test func theLossAxisSaysWhichLossesAreLabelSmoothed() throws {
    // Smoothing 0.1 over 10 classes: labels of 0.91 and nine of 0.01, whose entropy is the floor.
    let floor = ConvergenceChart.lossFloor(labelSmoothing: 0.1, classes: 10)
    #expect(abs(floor - (-(0.91 * log(0.91)) - 9 * 0.01 * log(0.01))) < 1e-6 && abs(floor - 0.5) < 0.001)
    #expect(ConvergenceChart.lossFloor(labelSmoothing: 0, classes: 10) == 0)
    let history = Self.history(epochs: 2, stepsPerEpoch: 10)
    let plain = ConvergenceChart(series: [.init(name: "paper", histories: [history])])
    #expect(
      plain.svg.contains("Training loss (cross-entropy, log scale)") && !plain.svg.contains("dasharray"))
    let smoothed = ConvergenceChart(series: [
      .init(name: "improved", histories: [history], labelSmoothing: 0.1)
    ])
    let title = try Self.textLines(smoothed.svg).lines.map(\.text).joined(separator: " ")
    #expect(title.contains("with label smoothing 0.1") && smoothed.svg.contains("stroke-dasharray"))
    let mixed = ConvergenceChart(series: [
      .init(name: "paper", histories: [history]),
      .init(name: "improved", histories: [history], labelSmoothing: 0.1),
    ])
    let text = try Self.textLines(mixed.svg).lines.map(\.text).joined(separator: " ")
    #expect(text.contains("label-smoothed 0.1 where the legend says so, plain cross-entropy otherwise"))
    #expect(text.contains("improved (label smoothing 0.1)") && !text.contains("paper (label smoothing"))
  }

  @Test func legendColumnsLeaveRoomForTheLongestName() throws {
    func legendXs(_ names: [String]) throws -> Set<Double> {
      let history = Self.history(epochs: 2, stepsPerEpoch: 10)
      let svg = ConvergenceChart(series: names.map { .init(name: $0, histories: [history]) }).svg
      let lines = try Self.textLines(svg).lines
      return Set(names.compactMap { name in lines.first { $0.text == name }?.x })
    }
    #expect(try legendXs(["a", "b", "c", "d"]).count == 3)
    let long = (0..<4).map { "group \($0) " + String(repeating: "x", count: 90) }
    #expect(try legendXs(long).count == 1)
  }

  @Test func aVeryLongNameWrapsWithinTheCanvas() throws {
    let words = (1...80).map { "ingredient\($0)" }.joined(separator: " ")
    let unbroken = String(repeating: "y", count: 400)
    let history = Self.history(epochs: 2, stepsPerEpoch: 10)
    let svg = ConvergenceChart(series: [
      .init(name: "short", histories: [history]), .init(name: words, histories: [history]),
      .init(name: unbroken, histories: [history]),
    ]).svg
    let (lines, width) = try Self.textLines(svg)
    // Every line of text stays inside the canvas, and the names are all there, in order.
    for line in lines {
      #expect(line.extent.lowerBound >= 0 && line.extent.upperBound <= width, "\(line.text)")
    }
    let text = lines.map(\.text).joined(separator: " ")
    #expect(text.contains(words))
    #expect(text.replacingOccurrences(of: " ", with: "").contains(unbroken))
    let height = try #require(Double(String(svg.split(separator: "height=\"")[1].split(separator: "\"")[0])))
    let lastY = try #require(
      svg.components(separatedBy: "<tspan x=\"").dropFirst().compactMap { span in
        Double(span.split(separator: "y=\"")[1].split(separator: "\"")[0])
      }.max())
    #expect(lastY < height, "the legend and its note end inside the canvas")
  }
}

/// The test-set result `digits evaluate --json` prints and metrics.json holds, with the keys
/// docs/contract.md names.
public struct EvaluationReport: Codable, Equatable, Sendable {
  public var model: String
  public var accuracy: Double
  public var macroPrecision: Double
  public var macroRecall: Double
  public var macroF1: Double
  public var perClass: [ClassificationMetrics.PerClass]
  public var confusionMatrix: [[Int]]
  public var count: Int
  /// Training facts, present in metrics.json (not in `evaluate`'s output).
  public var bestEpoch: Int?
  public var epochsRun: Int?
  public var trainSeconds: Double?
  public var trainImages: Int?
  public var validationImages: Int?
  /// The CPU the run trained on (its last part, if resumed elsewhere): its seconds mean little
  /// without it.
  public var trainMachine: MachineDescription?
  /// Every test image the model got wrong (metrics.json; not in `evaluate`'s output).
  public var misclassified: [MisclassifiedImage]?
  /// For a run tested with TTA, the same weights tested without it (metrics.json's
  /// `without_tta`): what TTA alone adds, as training does not depend on it.
  public var withoutTTA: HeadlineMetrics?

  /// `withoutTTA`'s key as snake case reads back: "without_tta" converts to "withoutTta".
  enum CodingKeys: String, CodingKey {
    case model, accuracy, macroPrecision, macroRecall, macroF1, perClass, confusionMatrix, count, bestEpoch,
      epochsRun, trainSeconds, trainImages, validationImages, trainMachine, misclassified
    case withoutTTA = "withoutTta"
  }

  /// Test images the model got wrong, counted off the confusion matrix: exact where a mean
  /// accuracy rounded to two decimals is not (99.647% reads "99.65").
  public var errorCount: Int { count - ClassificationMetrics.correct(confusionMatrix) }

  public init(model: String, metrics: ClassificationMetrics) {
    self.model = model
    accuracy = metrics.accuracy
    macroPrecision = metrics.macroPrecision
    macroRecall = metrics.macroRecall
    macroF1 = metrics.macroF1
    perClass = metrics.perClass
    confusionMatrix = metrics.confusion
    count = metrics.count
  }
}

/// Accuracy and the macro averages of an evaluation, without its per-class detail.
public struct HeadlineMetrics: Codable, Equatable, Sendable {
  public var accuracy: Double
  public var macroPrecision: Double
  public var macroRecall: Double
  public var macroF1: Double

  public init(_ report: EvaluationReport) {
    (accuracy, macroPrecision, macroRecall, macroF1) = (
      report.accuracy, report.macroPrecision, report.macroRecall, report.macroF1
    )
  }
}

/// A test image a model got wrong: its index in the test set, its label, the model's answer and
/// the probability the model gave that answer.
public struct MisclassifiedImage: Codable, Equatable, Sendable {
  public var index: Int
  public var label: Int
  public var predicted: Int
  public var confidence: Float

  public init(index: Int, label: Int, predicted: Int, confidence: Float) {
    (self.index, self.label, self.predicted, self.confidence) = (index, label, predicted, confidence)
  }

  /// The wrong answers among `labels`, given the [count, classes] probabilities they came from
  /// (each prediction the first most likely class).
  public static func all(labels: [Int], probabilities: [Float]) -> [MisclassifiedImage] {
    let classes = probabilities.count / max(labels.count, 1)
    return labels.indices.compactMap { n in
      let row = probabilities[(n * classes)..<((n + 1) * classes)]
      let predicted = row.indices.reduce(row.startIndex) { row[$1] > row[$0] ? $1 : $0 } - n * classes
      guard predicted != labels[n] else { return nil }
      return MisclassifiedImage(
        index: n, label: labels[n], predicted: predicted, confidence: row[n * classes + predicted])
    }
  }
}

/// The test-set result `digits evaluate --json` prints and metrics.json holds (SPEC.md keys).
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

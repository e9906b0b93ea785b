/// Accuracy and per-class precision, recall and F1 from a confusion matrix, as scikit-learn's
/// `precision_recall_fscore_support(average=None)` and `average="macro"` compute them:
/// a value whose denominator is zero (no predictions, or no support) is 0.
public struct ClassificationMetrics: Codable, Equatable, Sendable {
  public struct PerClass: Codable, Equatable, Sendable {
    public let `class`: Int
    public let precision: Double
    public let recall: Double
    public let f1: Double
    public let support: Int
  }

  /// confusion[i][j]: images of true class i predicted as j (scikit-learn's orientation).
  public let confusion: [[Int]]
  public let perClass: [PerClass]
  public let accuracy: Double
  public let macroPrecision: Double
  public let macroRecall: Double
  public let macroF1: Double
  public var count: Int { confusion.joined().reduce(0, +) }

  /// Images on the diagonal of a confusion matrix: those classified right.
  public static func correct(_ confusion: [[Int]]) -> Int {
    confusion.indices.reduce(0) { $0 + confusion[$1][$1] }
  }

  public init(confusion: [[Int]]) {
    self.confusion = confusion
    let classes = confusion.count
    var perClass: [PerClass] = []
    for k in 0..<classes {
      let truePositive = confusion[k][k]
      let predicted = (0..<classes).reduce(0) { $0 + confusion[$1][k] }
      let support = confusion[k].reduce(0, +)
      let precision = predicted == 0 ? 0 : Double(truePositive) / Double(predicted)
      let recall = support == 0 ? 0 : Double(truePositive) / Double(support)
      let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
      perClass.append(PerClass(class: k, precision: precision, recall: recall, f1: f1, support: support))
    }
    self.perClass = perClass
    let total = confusion.joined().reduce(0, +)
    accuracy = total == 0 ? 0 : Double(Self.correct(confusion)) / Double(total)
    let n = Double(max(classes, 1))
    macroPrecision = perClass.map(\.precision).reduce(0, +) / n
    macroRecall = perClass.map(\.recall).reduce(0, +) / n
    macroF1 = perClass.map(\.f1).reduce(0, +) / n
  }

  /// Counts (label, prediction) pairs into a classes × classes matrix.
  public init(labels: [Int], predictions: [Int], classes: Int) {
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
    for (label, prediction) in zip(labels, predictions) { confusion[label][prediction] += 1 }
    self.init(confusion: confusion)
  }
}

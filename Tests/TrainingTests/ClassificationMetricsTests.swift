import DigitsTraining
import Testing

/// Hand-made confusion cases against scikit-learn 1.9.1. Each case's expected values come from
///
///     from sklearn.metrics import precision_recall_fscore_support as prfs, accuracy_score
///     prfs(y_true, y_pred, labels=[0, 1, 2], average=None, zero_division=0)     # per class
///     prfs(y_true, y_pred, labels=[0, 1, 2], average="macro", zero_division=0)  # macro
///     accuracy_score(y_true, y_pred)
///
/// with the `y_true` / `y_pred` written in each test.
@Suite struct ClassificationMetricsTests {
  /// Per-class precision, recall, F1 and macro values within 1e-12 of scikit-learn's.
  private func expect(
    _ m: ClassificationMetrics, precision: [Double], recall: [Double], f1: [Double], support: [Int],
    macro: (Double, Double, Double), accuracy: Double, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    func close(_ a: [Double], _ b: [Double]) -> Bool {
      a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }
    }
    #expect(close(m.perClass.map(\.precision), precision), sourceLocation: sourceLocation)
    #expect(close(m.perClass.map(\.recall), recall), sourceLocation: sourceLocation)
    #expect(close(m.perClass.map(\.f1), f1), sourceLocation: sourceLocation)
    #expect(m.perClass.map(\.support) == support, sourceLocation: sourceLocation)
    #expect(m.perClass.map(\.class) == Array(precision.indices), sourceLocation: sourceLocation)
    #expect(
      close([m.macroPrecision, m.macroRecall, m.macroF1], [macro.0, macro.1, macro.2]),
      sourceLocation: sourceLocation)
    #expect(abs(m.accuracy - accuracy) < 1e-12, sourceLocation: sourceLocation)
  }

  @Test func perfectThreeClasses() {
    // y_true = y_pred = [0, 0, 1, 1, 1, 2]
    let labels = [0, 0, 1, 1, 1, 2]
    let m = ClassificationMetrics(labels: labels, predictions: labels, classes: 3)
    #expect(m.confusion == [[2, 0, 0], [0, 3, 0], [0, 0, 1]])
    #expect(m.count == 6)
    expect(
      m, precision: [1, 1, 1], recall: [1, 1, 1], f1: [1, 1, 1], support: [2, 3, 1], macro: (1, 1, 1),
      accuracy: 1)
  }

  @Test func classNeverPredictedHasPrecisionZero() {
    // y_true = [0, 0, 1, 1, 2, 2], y_pred = [0, 0, 0, 1, 1, 1]: class 2 is never predicted.
    let m = ClassificationMetrics(labels: [0, 0, 1, 1, 2, 2], predictions: [0, 0, 0, 1, 1, 1], classes: 3)
    // sklearn.metrics.confusion_matrix(y_true, y_pred): rows true, columns predicted.
    #expect(m.confusion == [[2, 0, 0], [1, 1, 0], [0, 2, 0]])
    expect(
      m, precision: [0.6666666666666666, 0.3333333333333333, 0], recall: [1, 0.5, 0], f1: [0.8, 0.4, 0],
      support: [2, 2, 2], macro: (0.3333333333333333, 0.5, 0.4000000000000001), accuracy: 0.5)
  }

  @Test func classWithZeroSupport() {
    // y_true = [0, 0, 1, 1], y_pred = [0, 2, 1, 1]: class 2 is predicted once but never true.
    let m = ClassificationMetrics(labels: [0, 0, 1, 1], predictions: [0, 2, 1, 1], classes: 3)
    #expect(m.confusion == [[1, 0, 1], [0, 2, 0], [0, 0, 0]])
    expect(
      m, precision: [1, 1, 0], recall: [0.5, 1, 0], f1: [0.6666666666666666, 1, 0], support: [2, 2, 0],
      macro: (0.6666666666666666, 0.5, 0.5555555555555555), accuracy: 0.75)
  }

  @Test func imbalancedClasses() {
    // y_true = [0]*8 + [1]*3 + [2], y_pred = [0]*6 + [1, 2] + [0, 1, 1] + [2]
    let labels = [Int](repeating: 0, count: 8) + [1, 1, 1, 2]
    let predictions = [Int](repeating: 0, count: 6) + [1, 2] + [0, 1, 1] + [2]
    let m = ClassificationMetrics(labels: labels, predictions: predictions, classes: 3)
    #expect(m.confusion == [[6, 1, 1], [1, 2, 0], [0, 0, 1]])
    expect(
      m, precision: [0.8571428571428571, 0.6666666666666666, 0.5], recall: [0.75, 0.6666666666666666, 1],
      f1: [0.8, 0.6666666666666666, 0.6666666666666666], support: [8, 3, 1],
      macro: (0.6746031746031745, 0.8055555555555555, 0.7111111111111111), accuracy: 0.75)
  }

  @Test func confusionInitialiserAgreesWithLabels() {
    let confusion = [[6, 1, 1], [1, 2, 0], [0, 0, 1]]
    let fromMatrix = ClassificationMetrics(confusion: confusion)
    let labels = [Int](repeating: 0, count: 8) + [1, 1, 1, 2]
    let predictions = [Int](repeating: 0, count: 6) + [1, 2] + [0, 1, 1] + [2]
    #expect(fromMatrix == ClassificationMetrics(labels: labels, predictions: predictions, classes: 3))
  }
}

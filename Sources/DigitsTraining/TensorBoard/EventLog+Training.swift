/// The scalars a training run writes, by TensorBoard tag. Steps are optimiser steps counted
/// from 1 across epochs, as steps.csv counts them: per-step scalars at their step, an epoch's
/// at its last step, and the test's at the step after the last, where a resumed session's
/// START purges them so that its own test replaces them rather than standing beside them.
extension EventLog {
  mutating func step(_ iteration: Int, loss: Float, learningRate: Float) throws {
    try add(step: iteration, [("train/loss", loss), ("train/lr", learningRate)])
  }

  /// A run without a validation set has no validation scalars (its record holds NaN there).
  mutating func epoch(_ record: EpochRecord, lastIteration: Int, imagesPerSecond: Double) throws {
    var values: [(tag: String, value: Float)] = [
      ("epoch/train_loss", record.trainLoss), ("epoch/train_acc", record.trainAccuracy),
    ]
    if record.hasValidation {
      values += [("epoch/val_loss", record.validationLoss), ("epoch/val_acc", record.validationAccuracy)]
    }
    values.append(("epoch/images_per_s", Float(imagesPerSecond)))
    try add(step: lastIteration, values)
  }

  mutating func test(_ report: EvaluationReport, lastIteration: Int) throws {
    try add(
      step: lastIteration + 1,
      [
        ("test/accuracy", Float(report.accuracy)), ("test/macro_f1", Float(report.macroF1)),
        ("test/macro_precision", Float(report.macroPrecision)),
        ("test/macro_recall", Float(report.macroRecall)),
      ])
  }
}

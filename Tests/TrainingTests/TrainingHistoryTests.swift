// EpochRecord's memberwise initialiser is internal.
import DigitsTraining
import Testing

/// history.csv and steps.csv are written and read back without loss (what --resume relies on).
@Suite struct TrainingHistoryTests {
  private func record(_ epoch: Int, validationLoss: Float = 0.0412345) -> EpochRecord {
    EpochRecord(
      epoch: epoch, trainLoss: 0.123456789, trainAccuracy: 0.9612, validationLoss: validationLoss,
      validationAccuracy: 0.98765, learningRate: 9.045085e-4, seconds: 123.456)
  }

  @Test func epochAndStepCSVRoundTrip() throws {
    var history = TrainingHistory()
    history.epochs = [record(1), record(2, validationLoss: 1e-7)]
    history.steps = [(1, 2.302585), (2, 1.5), (3, 0.000123)]
    #expect(history.epochCSV.hasPrefix(TrainingHistory.epochHeader + "\n"))
    #expect(history.epochCSV.split(separator: "\n").count == 3)
    let read = try TrainingHistory.read(
      epochCSV: history.epochCSV, stepCSV: history.stepCSV, path: "history.csv")
    #expect(read == history)
  }

  /// Without a validation split the validation columns are NaN; they must read back as NaN.
  @Test func missingValidationReadsBackAsNaN() throws {
    var history = TrainingHistory()
    history.epochs = [record(1, validationLoss: .nan)]
    let read = try TrainingHistory.read(epochCSV: history.epochCSV, stepCSV: nil, path: "history.csv")
    #expect(read.epochs.count == 1 && read.epochs[0].validationLoss.isNaN)
    #expect(read.steps.isEmpty)
  }

  @Test func damagedLineNamesFileAndLine() {
    let text = TrainingHistory.epochHeader + "\n1,0.5,0.9,0.4,0.91,0.001,1.000\n2,0.4,oops\n"
    #expect(throws: TrainingError.corruptRunFile(path: "runs/x/history.csv", line: 3)) {
      _ = try TrainingHistory.read(epochCSV: text, stepCSV: nil, path: "runs/x/history.csv")
    }
  }
}

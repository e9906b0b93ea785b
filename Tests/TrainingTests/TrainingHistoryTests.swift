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

  /// Without a validation split the validation cells are empty; they read back as NaN, and so
  /// does the "nan" that earlier versions wrote (their run folders still resume).
  @Test func missingValidationIsEmptyAndReadsBackAsNaN() throws {
    var history = TrainingHistory()
    var epoch = record(1, validationLoss: .nan)
    epoch.validationAccuracy = .nan
    history.epochs = [epoch]
    #expect(history.epochCSV.split(separator: "\n")[1] == "1,0.12345679,0.9612,,,0.0009045085,123.456")
    let read = try TrainingHistory.read(epochCSV: history.epochCSV, stepCSV: nil, path: "history.csv")
    #expect(
      read.epochs.count == 1 && read.epochs[0].validationLoss.isNaN && read.epochs[0].validationAccuracy.isNaN
    )
    #expect(read.epochs[0].learningRate == epoch.learningRate && read.epochs[0].seconds == 123.456)
    #expect(read.steps.isEmpty)
    let earlier = TrainingHistory.epochHeader + "\n1,0.5,0.9,nan,nan,0.001,1.000\n"
    let old = try TrainingHistory.read(epochCSV: earlier, stepCSV: nil, path: "history.csv")
    #expect(old.epochs[0].validationLoss.isNaN && old.epochs[0].validationAccuracy.isNaN)
  }

  @Test func damagedLineNamesFileAndLine() {
    let text = TrainingHistory.epochHeader + "\n1,0.5,0.9,0.4,0.91,0.001,1.000\n2,0.4,oops\n"
    #expect(throws: TrainingError.corruptRunFile(path: "runs/x/history.csv", line: 3)) {
      _ = try TrainingHistory.read(epochCSV: text, stepCSV: nil, path: "runs/x/history.csv")
    }
  }
}

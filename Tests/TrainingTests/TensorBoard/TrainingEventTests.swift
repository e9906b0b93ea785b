import DigitsData
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// The event files of real runs (ResNet18 on 192 training and 100 validation digits, batches of
/// 64: three steps an epoch, two epochs; 100 test digits): every tag at its step with the values
/// of history and metrics, and an interrupted and resumed run that TensorBoard's purge leaves
/// with exactly the scalars of the uninterrupted run.
@Suite(.tags(.slow), .skippedWhenFast) struct TrainingEventTests {
  static let data = TrainingData(
    try! MNIST.load(directory: SmallMNIST.write(train: 292, test: 100), verifyChecksums: false))

  static func config() -> TrainingConfig {
    var config = TrainingConfig(threads: 2)
    (config.model, config.epochs, config.batchSize, config.seed) = (.resnet18, 2, 64, 3)
    config.validationRatio = 100.0 / 292
    return config
  }

  static func temporaryFolder() -> RunFolder {
    RunFolder(FileManager.default.temporaryDirectory.appendingPathComponent("digits-tb-\(UUID())").path)
  }

  /// The uninterrupted run, shared by the tests.
  static let straight: (folder: RunFolder, outcome: TrainingOutcome) = {
    let folder = temporaryFolder()
    return (folder, try! Trainer(config: config(), folder: folder).train(data))
  }()

  /// The (tag, step) pairs that stand more than once.
  static func writtenTwice(_ points: [ScalarPoint]) -> [String] {
    Dictionary(grouping: points) { "\($0.tag) at \($0.step)" }.filter { $0.value.count > 1 }.keys.sorted()
  }

  static func points(_ scalars: [ScalarPoint], _ tag: String) -> [ScalarPoint] {
    scalars.filter { $0.tag == tag }
  }

  @Test func everyTagAtItsStep() throws {
    let (folder, outcome) = Self.straight
    let files = try EventFileReader.files(in: folder)
    #expect(files.count == 1)
    let events = try EventFileReader.events(path: files[0])
    #expect(events.first?.fileVersion == "brain.Event:2")
    #expect(events.dropFirst().first.map { $0.sessionStart && $0.step == 1 } == true)

    let scalars = try EventFileReader.purgedScalars(in: folder)
    #expect(Self.writtenTwice(scalars).isEmpty)
    let losses = Self.points(scalars, "train/loss")
    #expect(losses.map(\.step) == Array(1...6))
    #expect(losses.map(\.value) == outcome.history.steps.map(\.loss))
    #expect(Self.points(scalars, "train/lr").map(\.value) == Array(repeating: 1e-3, count: 6))
    let epochs = outcome.history.epochs
    for (tag, values) in [
      ("epoch/train_loss", epochs.map(\.trainLoss)), ("epoch/train_acc", epochs.map(\.trainAccuracy)),
      ("epoch/val_loss", epochs.map(\.validationLoss)), ("epoch/val_acc", epochs.map(\.validationAccuracy)),
    ] {
      #expect(Self.points(scalars, tag).map(\.step) == [3, 6], "\(tag)")
      #expect(Self.points(scalars, tag).map(\.value) == values, "\(tag)")
    }
    #expect(Self.points(scalars, "epoch/images_per_s").allSatisfy { $0.value > 0 })
    let report = try #require(outcome.report)
    for (tag, value) in [
      ("test/accuracy", report.accuracy), ("test/macro_f1", report.macroF1),
      ("test/macro_precision", report.macroPrecision), ("test/macro_recall", report.macroRecall),
    ] {
      #expect(Self.points(scalars, tag) == [ScalarPoint(tag: tag, step: 7, value: Float(value))])
    }
  }

  /// Interrupted after four steps (mid epoch 2), resumed, then resumed again once finished:
  /// three files, and after the purge the straight run's scalars, each (tag, step) once.
  @Test func resumedRunPurgesOrphanedSteps() throws {
    let resumed = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: resumed.path) }
    let interrupter = CancelAfter(steps: 4)
    #expect(throws: TrainingError.interrupted(path: resumed.path, epoch: 1)) {
      try Trainer(
        config: Self.config(), folder: resumed, observer: interrupter, cancellation: interrupter.token
      )
      .train(Self.data)
    }
    let orphaned = try EventFileReader.purgedScalars(in: resumed)
    #expect(Self.points(orphaned, "train/loss").map(\.step) == [1, 2, 3, 4])
    _ = try Trainer(config: Self.config(), folder: resumed).train(Self.data, resume: true)
    _ = try Trainer(config: Self.config(), folder: resumed).train(Self.data, resume: true)

    let files = try EventFileReader.files(in: resumed)
    #expect(files.count == 3)
    #expect(try files.map { try EventFileReader.events(path: $0)[1].step } == [1, 4, 7])
    let unpurged = try files.flatMap { try EventFileReader.events(path: $0) }.flatMap { event in
      event.scalars.map { ScalarPoint(tag: $0.tag, step: event.step, value: $0.value) }
    }
    #expect(!Self.writtenTwice(unpurged).isEmpty, "the purge had nothing to do")

    let scalars = try EventFileReader.purgedScalars(in: resumed)
    #expect(Self.writtenTwice(scalars).isEmpty)
    func withoutTiming(_ points: [ScalarPoint]) -> Set<ScalarPoint> {
      Set(points.filter { $0.tag != "epoch/images_per_s" })
    }
    let reference = try EventFileReader.purgedScalars(in: Self.straight.folder)
    #expect(withoutTiming(scalars) == withoutTiming(reference))
    #expect(Self.points(scalars, "epoch/images_per_s").map(\.step) == [3, 6])
  }
}

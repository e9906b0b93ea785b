import DigitsData
import DigitsModels
import DigitsNN
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// Cancels a run after a given number of optimiser steps, as Ctrl-C would.
final class CancelAfter: TrainingObserver {
  let steps: Int
  let token = CancellationToken()
  private var taken = 0
  init(steps: Int) { self.steps = steps }

  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double
  ) {
    taken += 1
    if taken == steps { token.cancel() }
  }
}

/// A small real run (ResNet18 on 492 MNIST digits: 192 training, 300 validation; 3 epochs;
/// 200 test digits): an
/// uninterrupted run and one interrupted mid-epoch then resumed must agree bit for bit in
/// history.csv (but the timing column), steps.csv and the test metrics; two runs with the same
/// seed are identical.
@Suite(.tags(.slow), .skippedWhenFast) struct ResumeTests {
  static let dataDirectory = try! SmallMNIST.write(train: 492, test: 200)

  static let data = TrainingData(try! MNIST.load(directory: dataDirectory, verifyChecksums: false))

  static func train(_ config: TrainingConfig, _ folder: RunFolder, resume: Bool = false) throws
    -> TrainingOutcome
  {
    try Trainer(config: config, folder: folder).train(data, resume: resume)
  }

  static func config() -> TrainingConfig {
    var config = TrainingConfig(threads: 2)
    config.model = .resnet18
    config.epochs = 3
    config.batchSize = 64
    config.validationRatio = 300.0 / 492
    config.seed = 5
    config.dataDirectory = dataDirectory
    return config
  }

  static func temporaryFolder() -> RunFolder {
    RunFolder(
      FileManager.default.temporaryDirectory.appendingPathComponent("digits-resume-\(UUID().uuidString)").path
    )
  }

  /// history.csv without the wall-clock column.
  static func historyWithoutTime(_ folder: RunFolder) throws -> String {
    try String(contentsOfFile: folder.history, encoding: .utf8).split(separator: "\n")
      .map { $0.split(separator: ",").dropLast().joined(separator: ",") }.joined(separator: "\n")
  }

  @Test func interruptedAndResumedRunMatchesUninterruptedRun() throws {
    let straight = Self.temporaryFolder()
    let resumed = Self.temporaryFolder()
    defer {
      try? FileManager.default.removeItem(atPath: straight.path)
      try? FileManager.default.removeItem(atPath: resumed.path)
    }
    let reference = try Self.train(Self.config(), straight)

    // Stop in the middle of epoch 2 (3 steps per epoch): the run keeps epoch 1 and says so.
    let interrupter = CancelAfter(steps: 5)
    #expect(throws: TrainingError.interrupted(path: resumed.path, epoch: 1)) {
      try Trainer(
        config: Self.config(), folder: resumed, observer: interrupter, cancellation: interrupter.token
      )
      .train(Self.data)
    }
    #expect(try String(contentsOfFile: resumed.history, encoding: .utf8).split(separator: "\n").count == 2)
    let continued = try Self.train(Self.config(), resumed, resume: true)

    #expect(try Self.historyWithoutTime(resumed) == Self.historyWithoutTime(straight))
    #expect(
      try String(contentsOfFile: resumed.steps, encoding: .utf8)
        == String(contentsOfFile: straight.steps, encoding: .utf8))
    #expect(continued.report?.confusionMatrix == reference.report?.confusionMatrix)
    #expect(continued.report?.accuracy == reference.report?.accuracy)
  }

  /// The improved recipe (augmentation, EMA, one-cycle, TTA, label smoothing, AdamW) resumes
  /// bit for bit too: the augmentation generator and the average are in the resume state.
  @Test func interruptedRecipeRunResumesBitForBit() throws {
    var config = Self.config()
    let seed = config.seed
    config = TrainingConfig(protocol: .improved, threads: 2)
    (config.model, config.epochs, config.batchSize, config.seed) = (.resnet18, 3, 64, seed)
    config.validationRatio = 300.0 / 492
    let (straight, resumed) = (Self.temporaryFolder(), Self.temporaryFolder())
    defer {
      try? FileManager.default.removeItem(atPath: straight.path)
      try? FileManager.default.removeItem(atPath: resumed.path)
    }
    let reference = try Self.train(config, straight)
    let interrupter = CancelAfter(steps: 4)
    #expect(throws: TrainingError.interrupted(path: resumed.path, epoch: 1)) {
      try Trainer(config: config, folder: resumed, observer: interrupter, cancellation: interrupter.token)
        .train(Self.data)
    }
    let continued = try Self.train(config, resumed, resume: true)
    #expect(try Self.historyWithoutTime(resumed) == Self.historyWithoutTime(straight))
    #expect(
      try String(contentsOfFile: resumed.steps, encoding: .utf8)
        == String(contentsOfFile: straight.steps, encoding: .utf8))
    #expect(continued.report?.confusionMatrix == reference.report?.confusionMatrix)
    #expect(continued.report?.misclassified == reference.report?.misclassified)
    // metrics.json also holds the same weights tested without TTA.
    let plain = try Evaluator(batchSize: 256).ensembleReport(
      [Classifier.load(path: straight.best)], on: try #require(Self.data.test), name: "plain"
    ).0
    #expect(reference.report?.withoutTTA == HeadlineMetrics(plain))
    #expect(continued.report?.withoutTTA == reference.report?.withoutTTA)
    #expect(try String(contentsOfFile: straight.metrics, encoding: .utf8).contains("\"without_tta\" : {"))
    #expect(
      try SafeTensorsFile.read(path: resumed.best).floats("fc.weight")
        == SafeTensorsFile.read(path: straight.best).floats("fc.weight"))
  }

  @Test func sameSeedGivesIdenticalHistory() throws {
    var config = Self.config()
    config.epochs = 1
    let first = Self.temporaryFolder()
    let second = Self.temporaryFolder()
    defer {
      try? FileManager.default.removeItem(atPath: first.path)
      try? FileManager.default.removeItem(atPath: second.path)
    }
    _ = try Self.train(config, first)
    _ = try Self.train(config, second)
    #expect(try Self.historyWithoutTime(first) == Self.historyWithoutTime(second))
  }

  @Test func finishedRunResumedWithOtherTestViewsIsTestedAgain() throws {
    var config = Self.config()
    config.epochs = 1
    config.tta = true
    let folder = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let first = try Self.train(config, folder)
    let history = try Self.historyWithoutTime(folder)
    config.ttaRotation = 10
    config.ttaScale = 1.2
    // Views that test nothing (no test set) are not recorded: config.json keeps describing
    // metrics.json, as it does when a test with other views is interrupted.
    let untested = try Trainer(config: config, folder: folder).train(
      TrainingData(train: Self.data.train, test: nil), resume: true)
    #expect(untested.report == nil)
    let kept = try decodeJSON(
      TrainingConfig.self, from: String(contentsOfFile: folder.config, encoding: .utf8))
    #expect(kept.ttaRotation == 0 && kept.ttaScale == 1)
    let again = try Self.train(config, folder, resume: true)
    #expect(try Self.historyWithoutTime(folder) == history)
    #expect(again.report?.withoutTTA == first.report?.withoutTTA && again.report?.withoutTTA != nil)
    let expected = try Evaluator(testTimeAugmentation: true, ttaRotation: 10, ttaScale: 1.2).report(
      again.classifier, on: Self.data.test!)
    #expect(
      again.report?.confusionMatrix == expected.confusionMatrix && again.report?.accuracy == expected.accuracy
    )
    let saved = try decodeJSON(
      TrainingConfig.self, from: String(contentsOfFile: folder.config, encoding: .utf8))
    #expect(saved.ttaRotation == 10 && saved.ttaScale == 1.2)
  }

  @Test func resumingWithOtherSettingsIsRefused() throws {
    var config = Self.config()
    config.epochs = 1
    let folder = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    _ = try Self.train(config, folder)
    config.learningRate = 0.5
    config.epochs = 2
    let error = #expect(throws: TrainingError.self) {
      try Self.train(config, folder, resume: true)
    }
    // It names the setting, and only that one (the epochs may change).
    let message = "\(error.map { $0 as Any } ?? "")"
    #expect(message.contains("learning_rate 0.001, now 0.5") && !message.contains("epochs 1"), "\(message)")
  }
}

import DigitsTraining
import Foundation
import TestSupport
import Testing

/// Stops a run after a given number of optimiser steps, as Ctrl-C would.
private final class InterruptAfter: TrainingObserver {
  let steps: Int
  private var taken = 0
  init(steps: Int) { self.steps = steps }

  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double
  ) {
    taken += 1
    if taken == steps { Trainer.interruptRequested = true }
  }
  func runStarted(
    config: TrainingConfig, trainCount: Int, validationCount: Int, parameterCount: Int, resumedEpoch: Int
  ) {}
  func epochStarted(epoch: Int, epochs: Int, batches: Int) {}
  func validationStarted(epoch: Int) {}
  func epochFinished(_ record: EpochRecord, improved: Bool, stopping: Bool) {}
}

/// A small real run (ResNet18 on 492 MNIST digits: 192 training, 300 validation; 3 epochs;
/// 200 test digits): an
/// uninterrupted run and one interrupted mid-epoch then resumed must agree bit for bit in
/// history.csv (but the timing column), steps.csv and the test metrics; two runs with the same
/// seed are identical. Serialized: the interrupt flag is process-wide, as signals are.
@Suite(.serialized, .tags(.slow), .skippedWhenFast) struct ResumeTests {
  static let dataDirectory = try! SmallMNIST.write(train: 492, test: 200)

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
    Trainer.interruptRequested = false
    let straight = Self.temporaryFolder()
    let resumed = Self.temporaryFolder()
    defer {
      try? FileManager.default.removeItem(atPath: straight.path)
      try? FileManager.default.removeItem(atPath: resumed.path)
    }
    let reference = try Trainer(config: Self.config(), folder: straight, observer: nil).run(resume: false)

    // Stop in the middle of epoch 2 (3 steps per epoch): the run keeps epoch 1 and says so.
    let interrupter = InterruptAfter(steps: 5)
    #expect(throws: TrainingError.self) {
      try Trainer(config: Self.config(), folder: resumed, observer: interrupter).run(resume: false)
    }
    Trainer.interruptRequested = false
    #expect(try String(contentsOfFile: resumed.history, encoding: .utf8).split(separator: "\n").count == 2)
    let continued = try Trainer(config: Self.config(), folder: resumed, observer: nil).run(resume: true)

    #expect(try Self.historyWithoutTime(resumed) == Self.historyWithoutTime(straight))
    #expect(
      try String(contentsOfFile: resumed.steps, encoding: .utf8)
        == String(contentsOfFile: straight.steps, encoding: .utf8))
    #expect(continued.report.confusionMatrix == reference.report.confusionMatrix)
    #expect(continued.report.accuracy == reference.report.accuracy)
  }

  @Test func sameSeedGivesIdenticalHistory() throws {
    Trainer.interruptRequested = false
    var config = Self.config()
    config.epochs = 1
    let first = Self.temporaryFolder()
    let second = Self.temporaryFolder()
    defer {
      try? FileManager.default.removeItem(atPath: first.path)
      try? FileManager.default.removeItem(atPath: second.path)
    }
    _ = try Trainer(config: config, folder: first, observer: nil).run(resume: false)
    _ = try Trainer(config: config, folder: second, observer: nil).run(resume: false)
    #expect(try Self.historyWithoutTime(first) == Self.historyWithoutTime(second))
  }

  @Test func resumingWithOtherSettingsIsRefused() throws {
    Trainer.interruptRequested = false
    var config = Self.config()
    config.epochs = 1
    let folder = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    _ = try Trainer(config: config, folder: folder, observer: nil).run(resume: false)
    config.learningRate = 0.5
    #expect(throws: TrainingError.self) {
      try Trainer(config: config, folder: folder, observer: nil).run(resume: true)
    }
  }
}

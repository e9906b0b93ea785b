import DigitsKit
import Foundation
import TestSupport
import Testing

/// Records what a run reports; created inline, so only the trainer holds it.
private final class Recorder: TrainingObserver {
  var steps = 0
  var epochs: [EpochRecord] = []

  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double
  ) { steps += 1 }

  func epochFinished(_ record: EpochRecord, improved: Bool, stopping: Bool) { epochs.append(record) }
}

/// The library as a Swift program uses it (`import DigitsKit` alone): train in memory on data it
/// passes in, classify images, evaluate, cancel. Serialized: the tests share one trained model,
/// and a model runs one forward pass at a time (its layers keep their activations).
@Suite(.serialized) struct LibraryTests {
  static let mnist = try! MNIST.load(
    directory: SmallMNIST.write(train: 300, test: 100), verifyChecksums: false)

  static func config(epochs: Int = 2) -> TrainingConfig {
    var config = TrainingConfig(threads: 2)
    config.model = .resnet18
    config.epochs = epochs
    config.batchSize = 50
    config.validationRatio = 0.5
    config.seed = 3
    return config
  }

  /// Trained once, shared by the tests that only read it.
  static let trained = try! Trainer(config: config()).train(TrainingData(mnist))

  @Test func trainsInMemoryAndKeepsItsObserverAlive() throws {
    let trainer = Trainer(config: Self.config(), observer: Recorder())
    let outcome = try trainer.train(TrainingData(Self.mnist))
    let recorder = try #require(trainer.observer as? Recorder)
    #expect(recorder.steps == 2 * 3)
    #expect(recorder.epochs.map(\.epoch) == [1, 2])
    #expect(outcome.history.epochs == recorder.epochs)
    #expect(outcome.history.steps.count == 6)
    let report = try #require(outcome.report)
    #expect(report.count == 100 && report.trainImages == 150 && report.validationImages == 150)
    #expect(report.trainMachine != nil && report.trainMachine == MachineDescription.current())
    // Same seed, same data: the in-memory run is the one a run folder would hold.
    #expect(outcome.history.steps.map(\.loss) == Self.trained.history.steps.map(\.loss))
  }

  @Test func restoresTheBestEpochsWeightsAndMeasuresThem() throws {
    let outcome = Self.trained
    let report = try #require(outcome.report)
    let best = try #require(report.bestEpoch)
    // The returned weights give the best epoch's validation loss again (same images, same order).
    let split = try DataSplit.make(count: 300, validationRatio: 0.5, seed: 3, trainLimit: nil)
    let validation = try Evaluator().evaluate(
      outcome.classifier.model, data: Self.mnist.train, indices: split.validationIndices,
      normalization: .mnist)
    #expect(validation.loss == outcome.history.epochs[best - 1].validationLoss)
    // The recognizer's evaluation of them is the run's test report.
    let measured = try DigitRecognizer(classifier: outcome.classifier, threads: 2).evaluate(
      on: Self.mnist.test)
    #expect(measured.confusionMatrix == report.confusionMatrix && measured.macroF1 == report.macroF1)
  }

  @Test func withoutEarlyStoppingTheLastEpochIsKept() throws {
    // 20 training images, one step an epoch: the validation loss soon rises as they are learnt.
    var config = Self.config(epochs: 6)
    (config.patience, config.learningRate, config.trainLimit) = (0, 0.01, 20)
    let outcome = try Trainer(config: config).train(TrainingData(Self.mnist))
    let losses = outcome.history.epochs.map(\.validationLoss)
    // The case under test: the lowest validation loss is not the last epoch's.
    try #require(losses.firstIndex(of: losses.min()!)! < 5, "\(losses)")
    #expect(outcome.report?.bestEpoch == 6)
    let split = try DataSplit.make(count: 300, validationRatio: 0.5, seed: 3, trainLimit: nil)
    let validation = try Evaluator().evaluate(
      outcome.classifier.model, data: Self.mnist.train, indices: split.validationIndices,
      normalization: .mnist)
    #expect(validation.loss == losses[5])
  }

  @Test func recognizerReadsFilesBytesAndMNISTImagesAlike() throws {
    let recognizer = DigitRecognizer(classifier: Self.trained.classifier, threads: 1)
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let test = Self.mnist.test
    let digit = Array(test.pixels[0..<test.pixelsPerImage])
    // Dark ink on white paper, as a scan would be, at 3x the size.
    let scan: [UInt8] = (0..<(84 * 84)).map { (index: Int) -> UInt8 in
      let (row, column) = (index / 84 / 3, index % 84 / 3)
      return 255 - digit[row * 28 + column]
    }
    let png = ImageEncoder.png(scan, width: 84, height: 84)
    let path = try folder.write(png, to: "digit.png")

    let fromFile = try recognizer.classify(imageFile: path)
    let fromBytes = try recognizer.classify(encoded: png, name: path)
    let pixels = try DigitImage(contentsOfFile: path).mnistPixels()
    let fromPixels = recognizer.classify(mnistImages: [pixels], names: [path])[0]
    #expect(fromFile == fromBytes && fromBytes == fromPixels)
    #expect(fromFile.file == path && fromFile.probabilities.count == 10)
    #expect(abs(fromFile.probabilities.reduce(0, +) - 1) < 1e-5)
    #expect(throws: ImageError.self) { try recognizer.classify(encoded: [1, 2, 3], name: "noise.png") }
  }

  @Test func cancelledRunStopsBeforeTheFirstStep() throws {
    let token = CancellationToken()
    token.cancel()
    let recorder = Recorder()
    #expect(throws: TrainingError.interrupted(path: "(memory)", epoch: 0)) {
      try Trainer(config: Self.config(), observer: recorder, cancellation: token).train(
        TrainingData(Self.mnist))
    }
    #expect(recorder.steps == 0)
  }

  @Test func workerCountBelongsToTheCall() {
    #expect(Workers.run(1) { Workers.count } == 1)
    #expect(Workers.run(3) { Workers.run(2) { Workers.count } } == 2)
    #expect(Workers.count == Workers.available)
  }

  @Test func checkpointRoundTripsThroughTheRecognizer() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.path + "/model.safetensors"
    try Self.trained.classifier.save(to: path)
    let loaded = try DigitRecognizer(checkpoint: path, threads: 2)
    let direct = DigitRecognizer(classifier: Self.trained.classifier, threads: 2)
    #expect(try loaded.evaluate(on: Self.mnist.test) == direct.evaluate(on: Self.mnist.test))
  }

  @Test func ensembleAveragesTheMembersProbabilities() throws {
    var other = Self.config(epochs: 1)
    other.seed = 11
    let members = [
      Self.trained.classifier, try Trainer(config: other).train(TrainingData(Self.mnist)).classifier,
    ]
    let test = Self.mnist.test
    // By hand: each member's probabilities, their mean, its arg-max.
    let each = try members.map {
      try Evaluator().evaluate($0.model, data: test, normalization: $0.normalization, keepProbabilities: true)
    }
    let mean = each[0].probabilities.indices.map {
      (each[0].probabilities[$0] + each[1].probabilities[$0]) / 2
    }
    let predictions = (0..<test.count).map { n in (0..<10).max { mean[n * 10 + $0] < mean[n * 10 + $1] }! }
    let expected = ClassificationMetrics(labels: each[0].labels, predictions: predictions, classes: 10)
    let report = try DigitRecognizer.evaluate(members, on: test, threads: 2)
    #expect(report.confusionMatrix == expected.confusion)
    #expect(report.accuracy == expected.accuracy && report.macroF1 == expected.macroF1)
    #expect(report.model == "ensemble of 2 (resnet18, resnet18)")
    // Not simply one member's answers.
    #expect(each.allSatisfy { $0.predictions != predictions } || each[0].predictions != each[1].predictions)

    // The command line gives the same figures.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let paths = try members.enumerated().map { index, member in
      let path = folder.path + "/member\(index).safetensors"
      try member.save(to: path)
      return path
    }
    let data = try SmallMNIST.write(train: 300, test: 100)
    defer { try? FileManager.default.removeItem(atPath: data) }
    let result = try DigitsProcess.run(
      ["evaluate", "--checkpoint", paths[0], "--checkpoint", paths[1], "--json", "--data-dir", data])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Foundation.Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["accuracy"] as? Double == expected.accuracy)
    #expect(json["confusion_matrix"] as? [[Int]] == expected.confusion)
  }
}

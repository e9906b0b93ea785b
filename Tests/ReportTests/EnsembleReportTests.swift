import DigitsData
import DigitsModels
import DigitsReport
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// The report's ensemble on two tiny real runs (ResNet18, one epoch on 128 MNIST digits, seeds 0
/// and 1) matches the members' probabilities averaged by hand; without the checkpoints, the
/// report rebuilt from the folders keeps it from the earlier results.json.
@Suite struct EnsembleReportTests {
  @Test func ensembleIsTheMeanOfTheMembersProbabilities() throws {
    try SmallMNIST.withData(train: 300, test: 120) { directory, out in
      let mnist = try MNIST.load(directory: directory, verifyChecksums: false)
      var folders: [RunFolder] = []
      for seed: UInt64 in [0, 1] {
        var config = TrainingConfig(protocol: .paper, threads: 2)
        (config.model, config.epochs, config.trainLimit, config.seed) = (.resnet18, 1, 128, seed)
        let folder = RunFolder(out.path + "/runs/seed-\(seed)")
        _ = try Trainer(config: config, folder: folder).train(TrainingData(mnist))
        folders.append(folder)
      }
      let runs = try folders.map(RunSummary.load)
      var report = ExperimentReport(runs: runs, testSet: mnist.test, threads: 2)
      try report.evaluateEnsembles()
      let ensemble = try #require(report.ensembles.first)
      #expect(report.ensembles.count == 1 && report.ensembleNotes.isEmpty)
      #expect(ensemble.name == "paper resnet18: 2 seeds")
      #expect(ensemble.members == ["paper resnet18 seed 0", "paper resnet18 seed 1"] && !ensemble.tta)

      // By hand: each member's probabilities, averaged, then the most likely class.
      let evaluator = Evaluator()
      let members = try folders.map { folder in
        let classifier = try Classifier.load(path: folder.best)
        return try evaluator.evaluate(
          classifier.model, data: mnist.test, normalization: classifier.normalization, keepProbabilities: true
        )
      }
      let mean = zip(members[0].probabilities, members[1].probabilities).map { 0 + $0 / 2 + $1 / 2 }
      let predictions = (0..<mnist.test.count).map { n in
        (0..<10).max { mean[n * 10 + $0] < mean[n * 10 + $1] }!
      }
      let expected = ClassificationMetrics(labels: members[0].labels, predictions: predictions, classes: 10)
      #expect(abs(ensemble.accuracy - expected.accuracy) < 1e-12)
      #expect(abs(ensemble.macroPrecision - expected.macroPrecision) < 1e-12)
      #expect(abs(ensemble.macroRecall - expected.macroRecall) < 1e-12)
      #expect(abs(ensemble.macroF1 - expected.macroF1) < 1e-12)
      try report.write(to: out.path)

      // The folders as committed (no checkpoints): the same row, from the results.json above.
      for folder in folders { try FileManager.default.removeItem(atPath: folder.best) }
      var rebuilt = ExperimentReport(runs: try folders.map(RunSummary.load), testSet: mnist.test, threads: 2)
      try rebuilt.evaluateEnsembles(earlier: ExperimentReport.earlierEnsembles(in: out.path))
      #expect(rebuilt.ensembles == report.ensembles)
      #expect(rebuilt.ensembleNotes.first?.contains("from the earlier results.json") == true)
      try rebuilt.evaluateEnsembles()
      #expect(rebuilt.ensembles.isEmpty && rebuilt.ensembleNotes.first?.contains("not evaluated") == true)
    }
  }
}

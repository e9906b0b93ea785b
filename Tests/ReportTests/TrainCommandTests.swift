import DigitsReport
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// The `digits train` command the report prints for a recipe: an option for each way the recipe
/// departs from its protocol's, and run as it is, a run of that very recipe.
@Suite struct TrainCommandTests {
  /// The standard stem's improved recipe on the stem without max-pool, whose own recipe is the
  /// best of the sweep: seven departures, four of them switching one of its settings off.
  static var nomaxpool: TrainingConfig {
    var config = TrainingConfig(protocol: .improved, threads: 2)
    (config.model, config.stem) = (.resnet18, .nomaxpool)
    return config
  }

  /// Every other kind of departure, from the paper's protocol.
  static var paper: TrainingConfig {
    var config = TrainingConfig(protocol: .paper, threads: 2)
    (config.model, config.optimizer, config.learningRate, config.schedule) = (.resnet34, .sgd, 0.01, .cosine)
    (config.labelSmoothing, config.augment, config.augmentDegrees) = (0.05, true, 5)
    (config.augmentSampling, config.elastic, config.elasticSigma, config.cleanEpochs) = (.nearest, 34, 4, 1)
    (config.ema, config.tta, config.patience, config.minDelta, config.validationRatio) = (
      0.99, true, 2, 0.001, 0.5
    )
    return config
  }

  @Test func eachDepartureIsAnOption() {
    #expect(
      Self.nomaxpool.trainCommand
        == "digits train --protocol improved --model resnet18 --stem nomaxpool --no-cycle-momentum --weight-decay "
        + "0.0005 --elastic 36 --tta-rotation 0 --tta-scale 1 --no-zero-init-residual --batch-size 128")
    #expect(
      TrainingConfig(protocol: .improved, stem: .nomaxpool, threads: 2).trainCommand
        == "digits train --protocol improved --model resnet50 --stem nomaxpool")
    #expect(
      Self.paper.trainCommand
        == "digits train --protocol paper --model resnet34 --optimizer sgd --lr 0.01 --schedule cosine "
        + "--label-smoothing 0.05 --augment --augment-degrees 5 --augment-sampling nearest --elastic 34 "
        + "--elastic-sigma 4 --clean-epochs 1 --ema 0.99 --tta --patience 2 --min-delta 0.001 --val-ratio 0.5"
    )
    var ablation = TrainingConfig(protocol: .improved, threads: 2)
    (ablation.model, ablation.ema, ablation.tta, ablation.epochs) = (.resnet50, nil, false, 20)
    #expect(
      ablation.trainCommand
        == "digits train --protocol improved --model resnet50 --ema 0 --no-tta --epochs 20")
  }

  @Test func theCommandTrainsTheRecipeItWasMadeFrom() throws {
    try SmallMNIST.withData(train: 100, test: 20) { data, out in
      for (index, config) in [Self.nomaxpool, Self.paper].enumerated() {
        let folder = out.path + "/run-\(index)"
        let words = config.trainCommand.split(separator: " ").dropFirst().map(String.init)
        let result = try DigitsProcess.run(
          words + [
            "--epochs", "1", "--train-limit", "32", "--data-dir", data, "--out", folder, "--threads", "2",
          ])
        #expect(result.status == 0, "\(words): \(result.stderr)")
        let trained = try decodeJSON(
          TrainingConfig.self, from: String(contentsOfFile: folder + "/config.json", encoding: .utf8))
        #expect(trained.recipeChanges == config.recipeChanges, "\(words)")
        #expect(trained.model == config.model && trained.stem == config.stem)
      }
    }
  }
}

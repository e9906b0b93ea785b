import ArgumentParser
import DigitsKit
import Foundation

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a ResNet on MNIST with early stopping; write checkpoints, history and test metrics.",
    discussion: """
      Writes into --out: config.json, history.csv, steps.csv, best.safetensors, last.safetensors, \
      last.state.safetensors (for --resume) and metrics.json. Ctrl-C finishes the current step, \
      keeps the last complete epoch and exits; --resume continues it.
      """)

  @Option(help: "Architecture.") var model = ResNetArchitecture.resnet50
  @Option(help: "Maximum number of epochs.") var epochs = 10
  @Option(help: "Mini-batch size.") var batchSize = 128
  @Option(help: "Learning rate.") var lr: Float = 1e-3
  @Option(
    help:
      "Learning-rate schedule over epochs: cosine decays lr to 0 by the last epoch, constant is the paper's, plateau halves it after an epoch without improvement."
  )
  var schedule = LearningRateSchedule.cosine
  @Option(help: "Optimiser (sgd: momentum 0.9).") var optimizer = OptimizerKind.adam
  @Option(help: "Weight decay (L2 for adam and sgd, decoupled for adamw).") var weightDecay: Float = 0
  @Option(help: "Label smoothing of the cross-entropy loss.") var labelSmoothing: Float = 0
  @Option(help: "Fraction of the 60,000 training images held out for validation.") var valRatio = 0.3
  @Option(help: "Epochs without validation-loss improvement before stopping (0: never stop early).")
  var patience = 3
  @Option(help: "Smallest validation-loss decrease that counts as an improvement.") var minDelta: Float = 0
  @Option(help: "Seed for the split, the initialisation and the batch order.") var seed: UInt64 = 0
  @Option(help: "Use only the first N training images of the split (quick runs).") var trainLimit: Int?
  @Option(help: "Run folder.") var out = "runs/digits"
  @Flag(help: "Continue the run in --out from its last complete epoch.") var resume = false
  @OptionGroup var data: DataOptions

  func validate() throws {
    if epochs < 1 { throw InputProblem("--epochs must be at least 1, got \(epochs)") }
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
    if !(lr > 0 && lr.isFinite) { throw InputProblem("--lr must be a positive number, got \(lr)") }
    if !(valRatio >= 0 && valRatio < 1) {
      throw InputProblem("--val-ratio must be in [0, 1), got \(valRatio)")
    }
    if patience < 0 { throw InputProblem("--patience must be 0 or more, got \(patience)") }
    if !(minDelta >= 0) { throw InputProblem("--min-delta must be 0 or more, got \(minDelta)") }
    if let trainLimit, trainLimit < 1 {
      throw InputProblem("--train-limit must be at least 1, got \(trainLimit)")
    }
    if !(labelSmoothing >= 0 && labelSmoothing < 1) {
      throw InputProblem("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
    }
    if !(weightDecay >= 0) { throw InputProblem("--weight-decay must be 0 or more, got \(weightDecay)") }
  }

  var trainingConfig: TrainingConfig {
    var config = TrainingConfig(threads: data.threadCount)
    config.model = model
    config.epochs = epochs
    config.batchSize = batchSize
    config.learningRate = lr
    config.schedule = schedule
    config.optimizer = optimizer
    config.weightDecay = weightDecay
    config.labelSmoothing = labelSmoothing
    config.validationRatio = valRatio
    config.patience = patience
    config.minDelta = minDelta
    config.seed = seed
    config.trainLimit = trainLimit
    config.dataDirectory = data.dataDir
    return config
  }

  func run() throws {
    let mnist = try data.load()
    InterruptHandler.install()
    let trainer = Trainer(
      config: trainingConfig, folder: RunFolder(out), observer: ProgressPrinter(), cancellation: interruption)
    let outcome = try trainer.train(TrainingData(mnist), resume: resume)
    guard let report = outcome.report else { return }
    print("")
    print("Test set (\(report.count) images), best epoch \(report.bestEpoch ?? 0):")
    print(ReportPrinter.summary(report))
    print("Wrote \(out)/metrics.json, best.safetensors, history.csv")
  }
}

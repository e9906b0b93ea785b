import ArgumentParser
import DigitsKit
import Foundation

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Train a ResNet on MNIST (early stopping under the paper's protocol); write checkpoints, history and test metrics.",
    discussion: """
      Writes into --out: config.json, history.csv, steps.csv, best.safetensors, last.safetensors, \
      last.state.safetensors (for --resume), metrics.json and events.out.tfevents.* (TensorBoard). Ctrl-C finishes the current step, \
      keeps the last complete epoch and exits; --resume continues it.

      The recipes --protocol starts from (a flag given explicitly overrides its setting):

      \(RecipeSetting.table)
      """)

  @Option(
    help: ArgumentHelp(
      "Recipe: paper (the published setting: Adam at a constant rate, early stopping, no augmentation) or improved (the best the committed sweep supports, per --stem); the table above lists their settings.",
      discussion: "Flags given explicitly override the protocol's values."))
  var `protocol` = TrainingProtocol.paper
  @Option(help: "Architecture.") var model = Self.base.model
  @Option(
    help:
      "Stem: standard (torchvision's) or nomaxpool (without its max-pool: 14x14 maps into layer1); the improved recipe differs by stem."
  )
  var stem = Self.base.stem
  @Option(help: "Maximum number of epochs.") var epochs = Self.base.epochs
  @Option(help: "Mini-batch size. Default: the protocol's (\(RecipeSetting.batchSize.defaults)).")
  var batchSize: Int?
  @Option(help: "Learning rate (one-cycle's peak). Default: the protocol's (\(RecipeSetting.lr.defaults)).")
  var lr: Float?
  @Option(
    help: ArgumentHelp(
      "Learning-rate schedule: constant, cosine (to 0 by the last epoch), plateau (halve after an epoch without improvement) or onecycle (torch's OneCycleLR, stepped every step: a warm-up over 30% of the steps, then an anneal). Default: the protocol's (\(RecipeSetting.schedule.defaults))."
    ))
  var schedule: LearningRateSchedule?
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "With --schedule onecycle: also move Adam's β1 (SGD's momentum) from 0.95 to 0.85 and back against the rate, as OneCycleLR's default cycle_momentum does (off: 0.9). Default: the protocol's (\(RecipeSetting.cycleMomentum.defaults))."
    ))
  var cycleMomentum: Bool?
  @Option(
    help: "Optimiser (sgd: momentum 0.9). Default: the protocol's (\(RecipeSetting.optimizer.defaults)).")
  var optimizer: OptimizerKind?
  @Option(
    help: ArgumentHelp(
      "Weight decay (L2 for adam and sgd; decoupled for adamw, each weight times 1 - lr·wd per step, so 0.0005 barely acts over 10 epochs). Default: the protocol's (\(RecipeSetting.weightDecay.defaults))."
    ))
  var weightDecay: Float?
  @Option(
    help: ArgumentHelp(
      "Label smoothing of the cross-entropy loss. Default: the protocol's (\(RecipeSetting.labelSmoothing.defaults))."
    ))
  var labelSmoothing: Float?
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Random rotation, shift and scale of each training image (±\(RecipeSetting.number(Self.base.augmentDegrees))°, ±\(RecipeSetting.number(Self.base.augmentTranslate)) of the side and 1 ± \(RecipeSetting.number(Self.base.augmentScale)) unless --augment-degrees, --augment-translate or --augment-scale say otherwise). Default: the protocol's (\(RecipeSetting.augment.defaults))."
    ))
  var augment: Bool?
  @Option(
    help: ArgumentHelp(
      "With --augment, rotate each image by up to this many degrees either way. Default: \(RecipeSetting.number(Self.base.augmentDegrees)).",
      valueName: "degrees"))
  var augmentDegrees: Float?
  @Option(
    help: ArgumentHelp(
      "With --augment, shift each image by up to this fraction of its side along each axis. Default: \(RecipeSetting.number(Self.base.augmentTranslate)).",
      valueName: "fraction"))
  var augmentTranslate: Float?
  @Option(
    help: ArgumentHelp(
      "With --augment, scale each image by a factor within 1 ± this. Default: \(RecipeSetting.number(Self.base.augmentScale)).",
      valueName: "fraction"))
  var augmentScale: Float?
  @Option(
    help: ArgumentHelp(
      "How --augment samples each image: bilinear (sub-pixel shifts, slightly blurred) or nearest (whole-pixel shifts and nearest pixels, as torchvision's RandomAffine). Default: \(Self.base.augmentSampling.rawValue).",
      valueName: "sampling"))
  var augmentSampling: Augmentation.Sampling?
  @Option(
    help: ArgumentHelp(
      "With --augment, also an elastic distortion of this many pixels (alpha: Simard et al. used 34 with sigma 4, Ciresan et al. 36 with sigma 6; 0: none). Default: the protocol's (\(RecipeSetting.elastic.defaults)).",
      valueName: "alpha"))
  var elastic: Float?
  @Option(
    help: ArgumentHelp(
      "The width in pixels of the Gaussian that smooths --elastic's displacements. Default: \(RecipeSetting.number(Self.base.elasticSigma)).",
      valueName: "sigma"))
  var elasticSigma: Float?
  @Option(
    help: ArgumentHelp(
      "With --augment, train the last N epochs on the images as they are, so the network ends on the distribution it is tested on (0: augment every epoch).",
      valueName: "n"))
  var cleanEpochs = Self.base.cleanEpochs
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Start each residual block's last BatchNorm weight at 0, so every block starts as its shortcut (torchvision's zero_init_residual=True). Default: the protocol's (\(RecipeSetting.zeroInitResidual.defaults))."
    ))
  var zeroInitResidual: Bool?
  @Option(
    help: ArgumentHelp(
      "Decay of the moving average of the weights that validation, checkpoints and the test use (0: none), reached after a warm-up of (1 + t) / (10 + t) at step t. Default: the protocol's (\(RecipeSetting.ema.defaults)).",
      valueName: "decay"))
  var ema: Float?
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Average the probabilities of each test image and its four one-pixel shifts. Default: the protocol's (\(RecipeSetting.tta.defaults))."
    ))
  var tta: Bool?
  @OptionGroup var testViews: TestViewOptions
  @Option(
    help:
      "Fraction of the 60,000 training images held out for validation (0: train on all of them; early stopping and best.safetensors then follow the training loss)."
  )
  var valRatio = Self.base.validationRatio
  @Option(
    help: ArgumentHelp(
      "Epochs without validation-loss improvement before stopping (0: never stop early). Default: the protocol's (\(RecipeSetting.patience.defaults)).",
      discussion:
        "With early stopping, best.safetensors and the test use the epoch of the lowest validation loss (training loss without a validation split); with 0, the last epoch (the end of the schedule)."
    ))
  var patience: Int?
  @Option(help: "Smallest validation-loss decrease that counts as an improvement.") var minDelta = Self.base
    .minDelta
  @Option(help: "Seed for the split, the initialisation and the batch order.") var seed: UInt64 = 0
  @Option(help: "Use only the first N training images of the split (quick runs).") var trainLimit: Int?
  @Option(help: "Run folder.") var out = "runs/digits"
  @Flag(help: "Continue the run in --out from its last complete epoch.") var resume = false
  @Flag(
    help: ArgumentHelp(
      "Under mpirun: BatchNorm normalises over the whole batch of every process (SyncBatchNorm), so N processes train as one would.",
      discussion:
        "Off by default, as in PyTorch's DistributedDataParallel: each process then normalises over its own share, which needs no network traffic inside the forward and backward passes (with it, every BatchNorm layer waits on the network twice a step; ResNet50 has 53). Turn it on to reproduce one process's training, or when each process's share of a batch is small."
    ))
  var syncBn = false
  @Option(
    help: ArgumentHelp(
      "Under mpirun: all-reduce the gradients in buckets of this many MB, each started while the backward pass still runs (0: one all-reduce after it, faster wherever the all-reduce shares the cores with the backward pass; see BENCHMARKS.md).",
      valueName: "mb"))
  var bucketMb = 0
  @OptionGroup var data: DataOptions

  /// The defaults of the settings no recipe sets: `TrainingConfig`'s own.
  private static let base = TrainingConfig(threads: 1)

  /// The recipe of --protocol and --stem, before the other flags.
  private var recipe: TrainingConfig {
    TrainingConfig(protocol: `protocol`, stem: stem, threads: data.threadCount)
  }

  func validate() throws {
    if epochs < 1 { throw InputProblem("--epochs must be at least 1, got \(epochs)") }
    if let batchSize, batchSize < 1 {
      throw InputProblem("--batch-size must be at least 1, got \(batchSize)")
    }
    if let lr, !(lr > 0 && lr.isFinite) { throw InputProblem("--lr must be a positive number, got \(lr)") }
    if !(valRatio >= 0 && valRatio < 1) {
      throw InputProblem("--val-ratio must be in [0, 1), got \(valRatio)")
    }
    if let patience, patience < 0 { throw InputProblem("--patience must be 0 or more, got \(patience)") }
    if !(minDelta >= 0) { throw InputProblem("--min-delta must be 0 or more, got \(minDelta)") }
    if let trainLimit, trainLimit < 1 {
      throw InputProblem("--train-limit must be at least 1, got \(trainLimit)")
    }
    if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
      throw InputProblem("--label-smoothing must be in [0, 1), got \(labelSmoothing)")
    }
    if let weightDecay, !(weightDecay >= 0) {
      throw InputProblem("--weight-decay must be 0 or more, got \(weightDecay)")
    }
    if let ema, !(ema >= 0 && ema < 1) { throw InputProblem("--ema must be in [0, 1), got \(ema)") }
    if bucketMb < 0 { throw InputProblem("--bucket-mb must be 0 or more, got \(bucketMb)") }
    let augments = augment ?? recipe.augment
    try Self.checkElastic(elastic, sigma: elasticSigma, augment: augments)
    try Self.checkAffineRanges(
      degrees: augmentDegrees, translate: augmentTranslate, scale: augmentScale, augment: augments)
    if !(0...epochs).contains(cleanEpochs) {
      throw InputProblem("--clean-epochs must be in 0...\(epochs) (--epochs), got \(cleanEpochs)")
    }
    if cleanEpochs > 0 && !augments {
      throw InputProblem("--clean-epochs ends an augmented run; add --augment (or --protocol improved)")
    }
    try testViews.check(tta: tta ?? recipe.tta, enabling: "--tta (or --protocol improved)")
  }

  /// --elastic is a number of pixels, and bends images only on top of the affine augmentation.
  static func checkElastic(_ elastic: Float?, sigma: Float?, augment: Bool) throws {
    if let sigma, !(sigma > 0 && sigma <= 28) {
      throw InputProblem("--elastic-sigma must be in (0, 28] pixels, got \(sigma)")
    }
    guard let elastic else { return }
    if !(elastic >= 0 && elastic.isFinite) {
      throw InputProblem("--elastic must be 0 or more pixels, got \(elastic)")
    }
    if elastic > 0 && !augment {
      throw InputProblem("--elastic distorts on top of --augment; add --augment (or --protocol improved)")
    }
  }

  /// The affine ranges are a rotation within a half turn, a shift within half the side and a
  /// scale that keeps the digit's orientation; they shape only --augment's distortion.
  static func checkAffineRanges(degrees: Float?, translate: Float?, scale: Float?, augment: Bool) throws {
    for (flag, value, limit) in [
      ("--augment-degrees", degrees, Float(180)), ("--augment-translate", translate, 0.5),
      ("--augment-scale", scale, 0.9),
    ] {
      guard let value else { continue }
      if !(value >= 0 && value <= limit) {
        throw InputProblem("\(flag) must be in [0, \(String(format: "%g", limit))], got \(value)")
      }
      if !augment {
        throw InputProblem("\(flag) shapes --augment's distortion; add --augment (or --protocol improved)")
      }
    }
  }

  /// The protocol's settings with every flag given on the command line applied over them.
  var trainingConfig: TrainingConfig {
    var config = recipe
    config.model = model
    config.epochs = epochs
    if let batchSize { config.batchSize = batchSize }
    config.validationRatio = valRatio
    config.minDelta = minDelta
    config.seed = seed
    config.trainLimit = trainLimit
    config.dataDirectory = data.dataDir
    if let lr { config.learningRate = lr }
    if let schedule { config.schedule = schedule }
    if let cycleMomentum { config.cycleMomentum = cycleMomentum }
    if let optimizer { config.optimizer = optimizer }
    if let weightDecay { config.weightDecay = weightDecay }
    if let labelSmoothing { config.labelSmoothing = labelSmoothing }
    if let patience { config.patience = patience }
    if let augment { config.augment = augment }
    if let augmentDegrees { config.augmentDegrees = augmentDegrees }
    if let augmentTranslate { config.augmentTranslate = augmentTranslate }
    if let augmentScale { config.augmentScale = augmentScale }
    if let augmentSampling { config.augmentSampling = augmentSampling }
    if let elastic { config.elastic = elastic }
    if let elasticSigma { config.elasticSigma = elasticSigma }
    // The elastic distortion bends images only on top of the affine one.
    if !config.augment { config.elastic = 0 }
    config.cleanEpochs = cleanEpochs
    if let zeroInitResidual { config.zeroInitResidual = zeroInitResidual }
    if let ema { config.ema = ema > 0 ? ema : nil }
    if let tta { config.tta = tta }
    (config.ttaRotation, config.ttaScale) = testViews.views(over: config)
    // Rotated and enlarged views are TTA's: without it the recipe's would describe no test.
    if !config.tta { (config.ttaRotation, config.ttaScale) = (Self.base.ttaRotation, Self.base.ttaScale) }
    config.syncBatchNorm = syncBn
    config.bucketMegabytes = bucketMb
    return config
  }

  func run() throws {
    let job = try Job.start()
    let mnist = try data.load()
    if job.size > 1 {
      Job.installStopHandler(
        resumeHint:
          "\(out) keeps its last complete epoch: run the same command with --resume (any number of processes)"
      )
    } else {
      InterruptHandler.install()
    }
    let trainer = Trainer(
      config: trainingConfig, folder: RunFolder(out), observer: job.isLeader ? ProgressPrinter() : nil,
      cancellation: interruption, communicator: job)
    let outcome = try trainer.train(TrainingData(mnist), resume: resume)
    Job.finish()
    guard job.isLeader, let report = outcome.report else { return }
    print("")
    print("Test set (\(report.count) images), best epoch \(report.bestEpoch ?? 0):")
    print(ReportPrinter.summary(report))
    print("Wrote \(out)/metrics.json, best.safetensors, history.csv")
  }
}

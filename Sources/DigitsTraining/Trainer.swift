import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// The outcome of `digits train`: the test metrics of the restored best weights.
public struct TrainingOutcome {
  public var report: EvaluationReport
  public var history: TrainingHistory
}

/// The training loop of SPEC.md: seeded split and initialisation, Adam on shuffled
/// mini-batches, validation every epoch, early stopping that restores the best weights,
/// atomic checkpoints each epoch and bit-for-bit `--resume`.
public final class Trainer {
  public let config: TrainingConfig
  public let folder: RunFolder
  public weak var observer: (any TrainingObserver)?
  /// Set (from a signal handler) to stop after the current step; the run then saves and exits.
  nonisolated(unsafe) public static var interruptRequested = false

  public init(config: TrainingConfig, folder: RunFolder, observer: (any TrainingObserver)?) {
    self.config = config
    self.folder = folder
    self.observer = observer
  }

  public func run(resume: Bool) throws -> TrainingOutcome {
    Threads.configure(config.threads)
    let directory = config.dataDirectory ?? MNIST.bundledDirectory
    let data = try MNIST.load(directory: directory, verifyChecksums: config.dataDirectory == nil)
    let split = try DataSplit.make(
      count: data.train.count, validationRatio: config.validationRatio, seed: config.seed,
      trainLimit: config.trainLimit)
    let classes = max(Int(data.train.labels.max() ?? 0) + 1, MNIST.classes)
    let model = ResNet(config.model, classes: classes, inputChannels: 1)
    var initGenerator = SeededGenerator(seed: config.seed &+ 1)
    model.initialize(using: &initGenerator)
    let optimizer = makeOptimizer(model.parameters)
    let classifier = Classifier(model: model, normalization: .mnist)
    var batches = try BatchIterator(
      data: data.train, indices: split.trainIndices, batchSize: config.batchSize, shuffle: true,
      seed: config.seed &+ 2)

    var history = TrainingHistory()
    var state = ResumeState(
      epoch: 0, iteration: 0, generator: batches.generator,
      earlyStopping: EarlyStopping(patience: config.patience, minDelta: config.minDelta), plateauHalvings: 0)
    if resume {
      (state, history) = try restore(model: model, optimizer: optimizer)
      batches.generator = state.generator
    } else {
      try folder.create()
      try writeAtomically(encodeJSON(config), to: folder.config)
    }
    observer?.runStarted(
      config: config, trainCount: split.trainIndices.count, validationCount: split.validationIndices.count,
      parameterCount: model.parameterCount, resumedEpoch: state.epoch)

    let loop = EpochLoop(model: model, optimizer: optimizer, labelSmoothing: config.labelSmoothing)
    let evaluator = Evaluator(batchSize: max(config.batchSize, 256))
    var stopping = state.earlyStopping.shouldStop
    while state.epoch < config.epochs && !stopping && !Trainer.interruptRequested {
      let epoch = state.epoch + 1
      optimizer.learningRate = config.schedule.rate(
        base: config.learningRate, epoch: epoch, epochs: config.epochs, plateauHalvings: state.plateauHalvings
      )
      let started = Date()
      observer?.epochStarted(epoch: epoch, epochs: config.epochs, batches: batches.batchesPerEpoch)
      let train = try loop.run(
        &batches, epoch: epoch, firstIteration: state.iteration, observer: observer,
        lastGood: FileManager.default.fileExists(atPath: folder.last) ? folder.last : nil)
      if Trainer.interruptRequested && train.completed == false { break }
      history.steps += train.losses.enumerated().map { (state.iteration + $0.offset + 1, $0.element) }
      state.iteration += train.losses.count

      observer?.validationStarted(epoch: epoch)
      let validation =
        split.validationIndices.isEmpty
        ? nil
        : try evaluator.evaluate(
          model, data: data.train, indices: split.validationIndices, normalization: classifier.normalization)
      let monitored = validation?.loss ?? train.loss
      let improved = state.earlyStopping.record(epoch: epoch, loss: monitored)
      if !improved { state.plateauHalvings += 1 }
      stopping = state.earlyStopping.shouldStop
      let record = EpochRecord(
        epoch: epoch, trainLoss: train.loss, trainAccuracy: train.accuracy,
        validationLoss: validation?.loss ?? .nan, validationAccuracy: validation?.accuracy ?? .nan,
        learningRate: optimizer.learningRate, seconds: Date().timeIntervalSince(started))
      history.epochs.append(record)

      // Order matters for --resume: best and history first, the resume state last.
      if improved { try classifier.save(to: folder.best) }
      try classifier.save(to: folder.last)
      try writeAtomically(history.epochCSV, to: folder.history)
      try writeAtomically(history.stepCSV, to: folder.steps)
      state.epoch = epoch
      state.generator = batches.generator
      try state.save(model: model, optimizer: optimizer, to: folder.resumeState)
      observer?.epochFinished(record, improved: improved, stopping: stopping)
    }
    if Trainer.interruptRequested {
      throw TrainingError.interrupted(path: folder.path, epoch: state.epoch)
    }

    // Restore the best weights (early stopping's contract), then measure on the test set.
    if FileManager.default.fileExists(atPath: folder.best) {
      try model.load(from: try SafeTensorsFile.read(path: folder.best))
    }
    let test = try evaluator.evaluate(model, data: data.test, normalization: classifier.normalization)
    var report = EvaluationReport(
      model: model.name,
      metrics: ClassificationMetrics(labels: test.labels, predictions: test.predictions, classes: classes))
    report.bestEpoch = state.earlyStopping.bestEpoch
    report.epochsRun = state.epoch
    report.trainSeconds = history.epochs.map(\.seconds).reduce(0, +)
    report.trainImages = split.trainIndices.count
    report.validationImages = split.validationIndices.count
    try writeAtomically(encodeJSON(report), to: folder.metrics)
    return TrainingOutcome(report: report, history: history)
  }

  private func makeOptimizer(_ parameters: ParameterArena) -> any Optimizer {
    switch config.optimizer {
    case .adam, .adamw:
      return Adam(
        parameters: parameters,
        hyper: AdamHyper(
          learningRate: config.learningRate, weightDecay: config.weightDecay,
          decoupled: config.optimizer == .adamw))
    case .sgd:
      return SGD(
        parameters: parameters,
        hyper: SGDHyper(learningRate: config.learningRate, momentum: 0.9, weightDecay: config.weightDecay))
    }
  }

  /// Loads the resume state and the history up to its epoch (rows written after it by an
  /// interrupted epoch are dropped: that epoch runs again, identically).
  private func restore(model: ResNet, optimizer: any Optimizer) throws -> (ResumeState, TrainingHistory) {
    guard let text = try? String(contentsOfFile: folder.config, encoding: .utf8),
      let saved = try? decodeJSON(TrainingConfig.self, from: text)
    else {
      throw TrainingError.cannotResume(
        path: folder.config, reason: "no readable config.json; start without --resume")
    }
    guard config.isResumable(from: saved) else {
      throw TrainingError.cannotResume(
        path: folder.config,
        reason: "the run was started with other settings (only --epochs and --threads may change)")
    }
    guard FileManager.default.fileExists(atPath: folder.resumeState) else {
      throw TrainingError.cannotResume(
        path: folder.resumeState, reason: "no epoch has completed yet; start the run again without --resume")
    }
    let state = try ResumeState.load(path: folder.resumeState, model: model, optimizer: optimizer)
    var history = try TrainingHistory.read(
      epochCSV: (try? String(contentsOfFile: folder.history, encoding: .utf8)) ?? TrainingHistory.epochHeader,
      stepCSV: try? String(contentsOfFile: folder.steps, encoding: .utf8), path: folder.history)
    history.epochs = history.epochs.filter { $0.epoch <= state.epoch }
    history.steps = history.steps.filter { $0.iteration <= state.iteration }
    guard history.epochs.count == state.epoch else {
      throw TrainingError.cannotResume(
        path: folder.history, reason: "it has fewer epochs than the saved state")
    }
    return (state, history)
  }
}

import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// What a training run returns: the best weights (early stopping's choice), the history and,
/// when the data had a test set, its metrics with those weights.
public struct TrainingOutcome {
  public var classifier: Classifier
  public var history: TrainingHistory
  public var report: EvaluationReport?
}

/// The training loop of docs/contract.md: seeded split and initialisation, the optimiser on shuffled
/// mini-batches, validation every epoch, early stopping that restores the best weights and, with
/// a run folder, atomic checkpoints each epoch, TensorBoard event files and bit-for-bit `resume`.
///
///     let data = TrainingData(try MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: true))
///     let outcome = try Trainer(config: TrainingConfig()).train(data)
public final class Trainer {
  public let config: TrainingConfig
  /// Where checkpoints, history and metrics go; nil trains in memory only.
  public let folder: RunFolder?
  /// Kept alive by the trainer.
  public let observer: (any TrainingObserver)?
  /// Cancel it (from any thread) to stop after the current step: `train` then throws
  /// `TrainingError.interrupted`, and a run folder keeps its last complete epoch.
  public let cancellation: CancellationToken
  /// The processes training this model together (data-parallel); one process by default.
  /// Every process runs `train` with the same configuration; rank 0 alone writes the run folder
  /// (the others read it to resume) and should be the only one with an observer.
  public let communicator: any Communicator

  public init(
    config: TrainingConfig, folder: RunFolder? = nil, observer: (any TrainingObserver)? = nil,
    cancellation: CancellationToken = CancellationToken(), communicator: any Communicator = SingleProcess()
  ) {
    var config = config
    config.processes = communicator.size
    self.config = config
    self.folder = folder
    self.observer = observer
    self.cancellation = cancellation
    self.communicator = communicator
  }

  /// Trains on `data` with `config.threads` workers; `resume` continues the run in `folder`
  /// from its last complete epoch.
  public func train(_ data: TrainingData, resume: Bool = false) throws -> TrainingOutcome {
    try OpenBLAS.require()
    if resume && folder == nil {
      throw TrainingError.cannotResume(path: "(no run folder)", reason: "resuming needs the run folder")
    }
    return try Workers.run(config.threads) { try run(data, resume: resume) }
  }

  /// The network a run trains, its optimiser and, with an EMA, the average that validation,
  /// checkpoints and the test use instead of the trained weights.
  struct Network {
    let model: ResNet
    let optimizer: any Optimizer
    let average: WeightAverage?
    let classifier: Classifier
  }

  private func run(_ data: TrainingData, resume: Bool) throws -> TrainingOutcome {
    let split = try DataSplit.make(
      count: data.train.count, validationRatio: config.validationRatio, seed: config.seed,
      trainLimit: config.trainLimit)
    let network = initialNetwork(classes: data.classes)
    var batches = try BatchIterator(
      data: data.train, indices: split.trainIndices, batchSize: config.batchSize, shuffle: true,
      seed: config.seed &+ 2)
    batches.shard = Shard(index: communicator.rank, count: communicator.size)
    try checkShares(of: batches)
    // Rank 0 writes; every rank reads (a resume), so all start from the same state.
    let writing = folder.flatMap { communicator.isLeader ? $0 : nil }
    var (state, history) = try restoreOrInitialise(
      network, batches: &batches, resume: resume, writing: writing)
    if communicator.size > 1 { broadcastState(network) }
    var events = try writing.map { try EventLog(folder: $0, firstStep: state.iteration + 1) }
    observer?.runStarted(
      config: config, trainCount: split.trainIndices.count, validationCount: split.validationIndices.count,
      parameterCount: network.model.parameterCount, resumedEpoch: state.epoch)

    let evaluator = Evaluator(batchSize: max(config.batchSize, 256), communicator: communicator)
    let snapshot = try runEpochs(
      network, on: data, validationIndices: split.validationIndices, batches: &batches, evaluator: evaluator,
      state: &state, history: &history, events: &events, writing: writing)
    if cancellation.isCancelled {
      try events?.flush()
      throw TrainingError.interrupted(path: folder?.path ?? "(memory)", epoch: state.epoch)
    }

    try restoreBestWeights(network.classifier, snapshot: snapshot, writing: writing)
    let report = try data.test.map { test in
      var report = try finalTest(network.classifier, on: test, evaluator: evaluator)
      describeRun(in: &report, state: state, history: history, split: split)
      return report
    }
    try writeResults(report, lastIteration: state.iteration, events: &events, writing: writing)
    return TrainingOutcome(classifier: network.classifier, history: history, report: report)
  }

  /// The seeded initialisation, its optimiser and, with an EMA, the average (a copy to start).
  private func initialNetwork(classes: Int) -> Network {
    let model = ResNet(config.model, classes: classes, inputChannels: 1, stem: config.stem)
    var initGenerator = SeededGenerator(seed: config.seed &+ 1)
    model.initialize(using: &initGenerator, zeroInitResidual: config.zeroInitResidual)
    let optimizer = config.makeOptimizer(model.parameters)
    let average = config.ema.map {
      WeightAverage(
        model: ResNet(config.model, classes: classes, inputChannels: 1, stem: config.stem), decay: $0,
        copying: model)
    }
    let classifier = Classifier(model: average?.model ?? model, normalization: .mnist)
    return Network(model: model, optimizer: optimizer, average: average, classifier: classifier)
  }

  /// The optimiser's steps over the batches, with the schedule's rate (and momentum) set before
  /// each step when it changes every step.
  private func epochLoop(_ network: Network, stepsPerEpoch: Int) -> EpochLoop {
    let totalSteps = config.epochs * stepsPerEpoch
    return EpochLoop(
      step: TrainingStep(
        model: network.model, optimizer: network.optimizer, labelSmoothing: config.labelSmoothing,
        average: network.average, communicator: communicator, synchronizedBatchNorm: config.syncBatchNorm,
        bucketFloats: config.bucketFloats),
      cancellation: cancellation,
      scheduleBeforeStep: config.schedule.changesEveryStep
        ? { [config, stepsPerEpoch] in
          (
            config.learningRate(beforeStep: $0, stepsPerEpoch: stepsPerEpoch),
            config.cycleMomentum ? config.schedule.oneCycleMomentum(step: $0, totalSteps: totalSteps) : nil
          )
        }
        : nil)
  }

  /// Trains epoch after epoch until the last, early stopping or cancellation, validating and
  /// saving each; returns the best epoch's weights when there is no run folder to keep them in.
  private func runEpochs(
    _ network: Network, on data: TrainingData, validationIndices: [Int], batches: inout BatchIterator,
    evaluator: Evaluator, state: inout ResumeState, history: inout TrainingHistory, events: inout EventLog?,
    writing: RunFolder?
  ) throws -> SafeTensorsFile? {
    let stepsPerEpoch = batches.batchesPerEpoch
    let loop = epochLoop(network, stepsPerEpoch: stepsPerEpoch)
    let optimizer = network.optimizer
    var best: SafeTensorsFile?
    var stopping = state.earlyStopping.shouldStop
    while state.epoch < config.epochs && !stopping && !cancellation.isCancelled {
      let epoch = state.epoch + 1
      optimizer.learningRate = config.learningRate(
        beforeStep: state.epoch * stepsPerEpoch, stepsPerEpoch: stepsPerEpoch,
        plateauHalvings: state.plateauHalvings)
      batches.augmentation = config.augmentation(epoch: epoch)
      let started = Date()
      observer?.epochStarted(epoch: epoch, epochs: config.epochs, batches: stepsPerEpoch)
      let train = try loop.run(
        &batches, epoch: epoch, firstIteration: state.iteration, observer: observer,
        lastGood: folder.map(\.last).flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil },
        events: &events)
      if cancellation.isCancelled && train.completed == false { break }
      history.steps += train.losses.enumerated().map { (state.iteration + $0.offset + 1, $0.element) }
      state.iteration += train.losses.count

      let validationStarted = Date()
      observer?.validationStarted(epoch: epoch)
      let validation =
        validationIndices.isEmpty
        ? nil
        : try evaluator.evaluate(
          network.classifier.model, data: data.train, indices: validationIndices,
          normalization: network.classifier.normalization)
      let monitored = validation?.loss ?? train.loss
      let improved = state.earlyStopping.record(epoch: epoch, loss: monitored)
      if !improved { state.plateauHalvings += 1 }
      let isBest = state.earlyStopping.keeps(improved: improved)
      stopping = state.earlyStopping.shouldStop
      let savingStarted = Date()
      let record = EpochRecord(
        epoch: epoch, trainLoss: train.loss, trainAccuracy: train.accuracy,
        validationLoss: validation?.loss ?? .nan, validationAccuracy: validation?.accuracy ?? .nan,
        learningRate: optimizer.learningRate, seconds: savingStarted.timeIntervalSince(started))
      history.epochs.append(record)
      // On disk before the resume state: a resumed run never lacks an epoch's events.
      try events?.epoch(record, lastIteration: state.iteration, imagesPerSecond: train.imagesPerSecond)
      try events?.flush()
      state.epoch = epoch
      state.generator = batches.generator
      if let folder = writing {
        try save(folder, network, state: state, history: history, improved: isBest)
      } else if isBest && folder == nil {
        best = try network.classifier.model.snapshot()
      }
      observer?.epochTimed(
        EpochTiming(
          epoch: epoch, trainImagesPerSecond: train.imagesPerSecond,
          trainSeconds: validationStarted.timeIntervalSince(started),
          validationSeconds: savingStarted.timeIntervalSince(validationStarted),
          savingSeconds: Date().timeIntervalSince(savingStarted)))
      observer?.epochFinished(record, improved: isBest, stopping: stopping)
    }
    return best
  }

  /// Early stopping's contract: the test uses the best epoch's weights, from rank 0's best
  /// checkpoint (which every rank then receives) or from memory without a run folder.
  private func restoreBestWeights(_ classifier: Classifier, snapshot: SafeTensorsFile?, writing: RunFolder?)
    throws
  {
    var best = snapshot
    if let writing, FileManager.default.fileExists(atPath: writing.best) {
      best = try SafeTensorsFile.read(path: writing.best)
    }
    if let best { try classifier.model.load(from: best) }
    if communicator.size > 1 { broadcast(classifier.model) }
  }

  /// The test set's metrics and misclassified images, with TTA when the recipe has it (and then
  /// the metrics without it as well).
  private func finalTest(_ classifier: Classifier, on test: LabeledImages, evaluator: Evaluator) throws
    -> EvaluationReport
  {
    // TTA at the test only: five forward passes per image would make validation cost half an epoch.
    let tester = Evaluator(
      batchSize: evaluator.batchSize, testTimeAugmentation: config.tta, ttaRotation: config.ttaRotation,
      ttaScale: config.ttaScale, communicator: communicator)
    var (report, probabilities) = try tester.ensembleReport([classifier], on: test, name: classifier.name)
    report.misclassified = MisclassifiedImage.all(
      labels: test.labels.map(Int.init), probabilities: probabilities)
    if config.tta {
      let plain = try evaluator.ensembleReport([classifier], on: test, name: classifier.name).0
      report.withoutTTA = HeadlineMetrics(plain)
    }
    return report
  }

  /// What metrics.json says of the run beside its test figures: its epochs, time and images.
  private func describeRun(
    in report: inout EvaluationReport, state: ResumeState, history: TrainingHistory, split: DataSplit
  ) {
    report.bestEpoch = state.earlyStopping.keptEpoch(lastEpoch: state.epoch)
    report.epochsRun = state.epoch
    report.trainSeconds = history.epochs.map(\.seconds).reduce(0, +)
    report.trainImages = split.trainIndices.count
    report.validationImages = split.validationIndices.count
    report.trainMachine = .current()
  }

  /// The test's events, then config.json (the settings the test ran with) and metrics.json.
  private func writeResults(
    _ report: EvaluationReport?, lastIteration: Int, events: inout EventLog?, writing: RunFolder?
  ) throws {
    if let report { try events?.test(report, lastIteration: lastIteration) }
    try events?.flush()
    if let folder = writing, let report {
      try writeAtomically(encodeJSON(config), to: folder.config)
      try writeAtomically(encodeJSON(report), to: folder.metrics)
    }
  }
}

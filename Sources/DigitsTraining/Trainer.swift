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

/// The training loop of SPEC.md: seeded split and initialisation, the optimiser on shuffled
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

  private func run(_ data: TrainingData, resume: Bool) throws -> TrainingOutcome {
    let split = try DataSplit.make(
      count: data.train.count, validationRatio: config.validationRatio, seed: config.seed,
      trainLimit: config.trainLimit)
    let model = ResNet(config.model, classes: data.classes, inputChannels: 1, stem: config.stem)
    var initGenerator = SeededGenerator(seed: config.seed &+ 1)
    model.initialize(using: &initGenerator, zeroInitResidual: config.zeroInitResidual)
    let optimizer = config.makeOptimizer(model.parameters)
    // With --ema, validation, checkpoints and the test use the average, not the trained weights.
    let average = config.ema.map {
      WeightAverage(
        model: ResNet(config.model, classes: data.classes, inputChannels: 1, stem: config.stem), decay: $0,
        copying: model)
    }
    let classifier = Classifier(model: average?.model ?? model, normalization: .mnist)
    var batches = try BatchIterator(
      data: data.train, indices: split.trainIndices, batchSize: config.batchSize, shuffle: true,
      seed: config.seed &+ 2)
    batches.shard = Shard(index: communicator.rank, count: communicator.size)
    try checkShares(of: batches)
    // Rank 0 writes; every rank reads (a resume), so all start from the same state.
    let writing = folder.flatMap { communicator.isLeader ? $0 : nil }

    var history = TrainingHistory()
    var state = ResumeState(
      epoch: 0, iteration: 0, generator: batches.generator,
      earlyStopping: EarlyStopping(patience: config.patience, minDelta: config.minDelta), plateauHalvings: 0)
    if resume, let folder {
      let saved: TrainingConfig
      (state, history, saved) = try restore(folder, model: model, optimizer: optimizer, average: average)
      batches.generator = state.generator
      // The settings this run now goes on with (a resume may change the epochs and threads); the
      // test's views go in with the test that uses them, so that an interrupted test leaves
      // config.json describing metrics.json.
      if let writing { try writeAtomically(encodeJSON(config.withTestViews(of: saved)), to: writing.config) }
    } else if let writing {
      try writing.create()
      try writeAtomically(encodeJSON(config), to: writing.config)
    }
    if communicator.size > 1 { broadcastState(model: model, optimizer: optimizer, average: average) }
    var events = try writing.map { try EventLog(folder: $0, firstStep: state.iteration + 1) }
    observer?.runStarted(
      config: config, trainCount: split.trainIndices.count, validationCount: split.validationIndices.count,
      parameterCount: model.parameterCount, resumedEpoch: state.epoch)

    let stepsPerEpoch = batches.batchesPerEpoch
    let totalSteps = config.epochs * stepsPerEpoch
    let loop = EpochLoop(
      step: TrainingStep(
        model: model, optimizer: optimizer, labelSmoothing: config.labelSmoothing, average: average,
        communicator: communicator, synchronizedBatchNorm: config.syncBatchNorm,
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
    let evaluator = Evaluator(batchSize: max(config.batchSize, 256), communicator: communicator)
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

      observer?.validationStarted(epoch: epoch)
      let validation =
        split.validationIndices.isEmpty
        ? nil
        : try evaluator.evaluate(
          classifier.model, data: data.train, indices: split.validationIndices,
          normalization: classifier.normalization)
      let monitored = validation?.loss ?? train.loss
      let improved = state.earlyStopping.record(epoch: epoch, loss: monitored)
      if !improved { state.plateauHalvings += 1 }
      let isBest = state.earlyStopping.keeps(improved: improved)
      stopping = state.earlyStopping.shouldStop
      let record = EpochRecord(
        epoch: epoch, trainLoss: train.loss, trainAccuracy: train.accuracy,
        validationLoss: validation?.loss ?? .nan, validationAccuracy: validation?.accuracy ?? .nan,
        learningRate: optimizer.learningRate, seconds: Date().timeIntervalSince(started))
      history.epochs.append(record)
      // On disk before the resume state: a resumed run never lacks an epoch's events.
      try events?.epoch(record, lastIteration: state.iteration, imagesPerSecond: train.imagesPerSecond)
      try events?.flush()
      state.epoch = epoch
      state.generator = batches.generator
      if let folder = writing {
        try save(
          folder, classifier: classifier, model: model, optimizer: optimizer, average: average, state: state,
          history: history, improved: isBest)
      } else if isBest && folder == nil {
        best = try classifier.model.snapshot()
      }
      observer?.epochFinished(record, improved: isBest, stopping: stopping)
    }
    if cancellation.isCancelled {
      try events?.flush()
      throw TrainingError.interrupted(path: folder?.path ?? "(memory)", epoch: state.epoch)
    }

    // Restore the best weights (early stopping's contract), then measure on the test set.
    // Rank 0's file, which every rank then receives.
    if let writing, FileManager.default.fileExists(atPath: writing.best) {
      best = try SafeTensorsFile.read(path: writing.best)
    }
    if let best { try classifier.model.load(from: best) }
    if communicator.size > 1 { broadcast(classifier.model) }
    var report: EvaluationReport?
    if let test = data.test {
      // TTA at the test only: five forward passes per image would make validation cost half an epoch.
      let tester = Evaluator(
        batchSize: evaluator.batchSize, testTimeAugmentation: config.tta, ttaRotation: config.ttaRotation,
        ttaScale: config.ttaScale, communicator: communicator)
      let (measured, probabilities) = try tester.ensembleReport([classifier], on: test, name: classifier.name)
      report = measured
      report?.misclassified = MisclassifiedImage.all(
        labels: test.labels.map(Int.init), probabilities: probabilities)
      if config.tta {
        let plain = try evaluator.ensembleReport([classifier], on: test, name: classifier.name).0
        report?.withoutTTA = HeadlineMetrics(plain)
      }
    }
    report?.bestEpoch = state.earlyStopping.keptEpoch(lastEpoch: state.epoch)
    report?.epochsRun = state.epoch
    report?.trainSeconds = history.epochs.map(\.seconds).reduce(0, +)
    report?.trainImages = split.trainIndices.count
    report?.validationImages = split.validationIndices.count
    report?.trainMachine = .current()
    if let report { try events?.test(report, lastIteration: state.iteration) }
    try events?.flush()
    if let folder = writing, let report {
      try writeAtomically(encodeJSON(config), to: folder.config)
      try writeAtomically(encodeJSON(report), to: folder.metrics)
    }
    return TrainingOutcome(classifier: classifier, history: history, report: report)
  }

  /// Every rank takes rank 0's weights, buffers, optimiser state and weight average.
  private func broadcastState(model: ResNet, optimizer: any Optimizer, average: WeightAverage?) {
    broadcast(model)
    if let average { broadcast(average.model) }
    for block in optimizer.stateBlocks {
      communicator.broadcast(block.values, count: optimizer.parameters.count, root: 0)
    }
  }

  private func broadcast(_ model: ResNet) {
    for arena in [model.parameters, model.buffers] {
      communicator.broadcast(arena.values, count: arena.count, root: 0)
    }
  }

  /// Each process must hold at least one image of every batch (an empty share would have no
  /// BatchNorm statistics), the epoch's last, smaller batch included.
  private func checkShares(of batches: BatchIterator) throws {
    let smallest =
      batches.count % batches.batchSize == 0 ? batches.batchSize : batches.count % batches.batchSize
    guard smallest >= communicator.size else {
      throw TrainingError.invalidConfiguration(
        "\(communicator.size) processes need at least \(communicator.size) images in every batch, but "
          + "\(smallest == batches.batchSize ? "--batch-size is" : "the epoch's last batch has") \(smallest); "
          + "choose another --batch-size or --train-limit")
    }
  }

  /// One epoch's files. Order matters for resume: best and history first, the resume state last.
  private func save(
    _ folder: RunFolder, classifier: Classifier, model: ResNet, optimizer: any Optimizer,
    average: WeightAverage?, state: ResumeState, history: TrainingHistory, improved: Bool
  ) throws {
    if improved { try classifier.save(to: folder.best) }
    try classifier.save(to: folder.last)
    try writeAtomically(history.epochCSV, to: folder.history)
    try writeAtomically(history.stepCSV, to: folder.steps)
    try state.save(model: model, optimizer: optimizer, average: average, to: folder.resumeState)
  }

  /// Loads the resume state and the history up to its epoch (rows written after it by an
  /// interrupted epoch are dropped: that epoch runs again, identically).
  private func restore(_ folder: RunFolder, model: ResNet, optimizer: any Optimizer, average: WeightAverage?)
    throws -> (ResumeState, TrainingHistory, saved: TrainingConfig)
  {
    guard let text = try? String(contentsOfFile: folder.config, encoding: .utf8),
      let saved = try? decodeJSON(TrainingConfig.self, from: text)
    else {
      throw TrainingError.cannotResume(
        path: folder.config, reason: "no readable config.json; start without --resume")
    }
    let conflicts = config.resumeConflicts(with: saved)
    guard conflicts.isEmpty else {
      let named = conflicts.map { "\($0.key) \($0.saved), now \($0.now)" }.joined(separator: "; ")
      throw TrainingError.cannotResume(
        path: folder.config,
        reason:
          "the run was started with other settings (\(named)); only --epochs, --threads and the TTA flags may change"
      )
    }
    guard FileManager.default.fileExists(atPath: folder.resumeState) else {
      throw TrainingError.cannotResume(
        path: folder.resumeState, reason: "no epoch has completed yet; start the run again without --resume")
    }
    let state = try ResumeState.load(
      path: folder.resumeState, model: model, optimizer: optimizer, average: average)
    var history = try TrainingHistory.read(
      epochCSV: (try? String(contentsOfFile: folder.history, encoding: .utf8)) ?? TrainingHistory.epochHeader,
      stepCSV: try? String(contentsOfFile: folder.steps, encoding: .utf8), path: folder.history)
    history.epochs = history.epochs.filter { $0.epoch <= state.epoch }
    history.steps = history.steps.filter { $0.iteration <= state.iteration }
    guard history.epochs.count == state.epoch else {
      throw TrainingError.cannotResume(
        path: folder.history, reason: "it has fewer epochs than the saved state")
    }
    return (state, history, saved)
  }
}

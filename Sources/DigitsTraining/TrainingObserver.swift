/// What a training run reports while it works; the command line draws progress from it. Every
/// method has a default that does nothing, so an observer implements only what it needs. The
/// trainer keeps its observer alive for as long as the trainer lives.
public protocol TrainingObserver: AnyObject {
  func runStarted(
    config: TrainingConfig, trainCount: Int, validationCount: Int, parameterCount: Int, resumedEpoch: Int)
  func epochStarted(epoch: Int, epochs: Int, batches: Int)
  /// After each optimiser step: running means over the epoch so far.
  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double)
  func validationStarted(epoch: Int)
  /// Where an epoch's time went, just before `epochFinished`.
  func epochTimed(_ timing: EpochTiming)
  func epochFinished(_ record: EpochRecord, improved: Bool, stopping: Bool)
}

extension TrainingObserver {
  public func runStarted(
    config: TrainingConfig, trainCount: Int, validationCount: Int, parameterCount: Int, resumedEpoch: Int
  ) {}
  public func epochStarted(epoch: Int, epochs: Int, batches: Int) {}
  public func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double
  ) {}
  public func validationStarted(epoch: Int) {}
  public func epochTimed(_ timing: EpochTiming) {}
  public func epochFinished(_ record: EpochRecord, improved: Bool, stopping: Bool) {}
}

/// What a training run reports while it works; the command line draws progress from it.
public protocol TrainingObserver: AnyObject {
  func runStarted(
    config: TrainingConfig, trainCount: Int, validationCount: Int, parameterCount: Int, resumedEpoch: Int)
  func epochStarted(epoch: Int, epochs: Int, batches: Int)
  /// After each optimiser step: running means over the epoch so far.
  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double)
  func validationStarted(epoch: Int)
  func epochFinished(_ record: EpochRecord, improved: Bool, stopping: Bool)
}

/// Where one epoch's time went: its training steps (whose rate is what `digits bench` measures
/// for the same settings), the validation pass, and saving (the TensorBoard events and the
/// checkpoints). The seconds of an epoch in history.csv cover the steps and the validation.
public struct EpochTiming: Equatable, Sendable {
  public var epoch: Int
  /// Training images per second over the epoch's steps alone.
  public var trainImagesPerSecond: Double
  public var trainSeconds: Double
  public var validationSeconds: Double
  public var savingSeconds: Double
}

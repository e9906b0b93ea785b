import DigitsData
import DigitsKernels
import DigitsModels

/// Everything that decides a training run; saved as config.json in the run folder, and
/// checked on `--resume` so a run is only continued with the settings it started with.
public struct TrainingConfig: Codable, Equatable, Sendable {
  public var model: ResNetArchitecture = .resnet50
  public var epochs = 10
  public var batchSize = 128
  public var learningRate: Float = 1e-3
  public var validationRatio = 0.3
  public var patience = 3
  /// An epoch improves on the best only when val_loss < best - minDelta.
  public var minDelta: Float = 0
  public var seed: UInt64 = 0
  public var trainLimit: Int?
  /// Workers for OpenBLAS and the element-wise kernels.
  public var threads: Int
  /// Where the data came from, for the record (the trainer is given the data itself).
  public var dataDirectory: String?
  public var schedule: LearningRateSchedule = .cosine
  public var optimizer: OptimizerKind = .adam
  public var weightDecay: Float = 0
  public var labelSmoothing: Float = 0

  /// The defaults of `digits train` (ResNet50, SPEC.md's hyper-parameters), on every core.
  public init(threads: Int = Workers.available) {
    self.threads = threads
  }

  /// The settings a resumed run must share with the one it continues (all but the epoch
  /// budget, which a resume may extend, and the thread count).
  public func isResumable(from saved: TrainingConfig) -> Bool {
    var mine = self
    mine.epochs = saved.epochs
    mine.threads = saved.threads
    return mine == saved
  }
}

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
  case adam, adamw, sgd
}

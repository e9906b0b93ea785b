/// Early stopping on validation loss: an epoch improves when its loss is below the best so
/// far by more than `minDelta`; after `patience` epochs in a row without improvement, stop.
public struct EarlyStopping: Codable, Equatable, Sendable {
  public let patience: Int
  public let minDelta: Float
  public private(set) var bestLoss: Float = .infinity
  public private(set) var bestEpoch = 0
  public private(set) var epochsWithoutImprovement = 0

  public init(patience: Int, minDelta: Float) {
    self.patience = patience
    self.minDelta = minDelta
  }

  /// Records an epoch's validation loss; returns true when it is the new best.
  public mutating func record(epoch: Int, loss: Float) -> Bool {
    if loss < bestLoss - minDelta {
      bestLoss = loss
      bestEpoch = epoch
      epochsWithoutImprovement = 0
      return true
    }
    epochsWithoutImprovement += 1
    return false
  }

  public var shouldStop: Bool { patience > 0 && epochsWithoutImprovement >= patience }

  /// Whether the run keeps an epoch's weights. With early stopping, those of the lowest loss.
  /// Without it (patience 0) the run trains its whole budget and keeps its end: a one-cycle
  /// schedule's anneal finishes there, and label smoothing makes the validation loss rise while
  /// the accuracy still improves, so the lowest loss would pick an early epoch.
  public func keeps(improved: Bool) -> Bool { patience == 0 || improved }

  /// The epoch whose weights the run ends with, once `lastEpoch` epochs have run.
  public func keptEpoch(lastEpoch: Int) -> Int { patience == 0 ? lastEpoch : bestEpoch }
}

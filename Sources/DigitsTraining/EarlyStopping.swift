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
}

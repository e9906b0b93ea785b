import Foundation

/// How the learning rate moves between epochs.
public enum LearningRateSchedule: String, Codable, CaseIterable, Sendable {
  /// The paper's setting: lr for every epoch.
  case constant
  /// Cosine annealing from lr to 0 over the epoch budget (torch CosineAnnealingLR, T_max = epochs,
  /// stepped once per epoch).
  case cosine
  /// Halve lr after an epoch whose validation loss did not improve (ReduceLROnPlateau,
  /// factor 0.5, patience 0).
  case plateau

  /// The learning rate for `epoch` (1-based), given the base rate and the budget.
  /// `plateauHalvings` counts the non-improving epochs so far (for `.plateau`).
  public func rate(base: Float, epoch: Int, epochs: Int, plateauHalvings: Int) -> Float {
    switch self {
    case .constant:
      return base
    case .cosine:
      let progress = Double(epoch - 1) / Double(max(epochs, 1))
      return Float(Double(base) * (1 + cos(Double.pi * progress)) / 2)
    case .plateau:
      return base * pow(0.5, Float(plateauHalvings))
    }
  }
}

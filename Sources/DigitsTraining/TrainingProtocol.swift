import DigitsModels

/// A named recipe: `digits train --protocol`. `TrainingConfig(protocol:stem:)` holds its
/// settings, which explicit settings may then override.
public enum TrainingProtocol: String, Codable, CaseIterable, Sendable {
  /// The published experiment: Adam at a constant rate, early stopping, no augmentation.
  case paper
  /// The best recipe the committed sweep supports: AdamW on a one-cycle schedule with weight
  /// decay, augmentation, label smoothing, an average of the weights and test-time augmentation,
  /// trained to the end of its schedule; tuned further for the stem without max-pool.
  case improved
}

extension TrainingConfig {
  /// Takes `recipe`'s settings for a network with `stem`; what the recipe does not set keeps its
  /// value (`TrainingConfig`'s defaults are the paper protocol's).
  mutating func adopt(_ recipe: TrainingProtocol, stem: ResNetStem) {
    trainingProtocol = recipe
    self.stem = stem
    guard recipe == .improved else { return }
    optimizer = .adamw
    learningRate = 2e-3
    schedule = .onecycle
    weightDecay = 5e-4
    labelSmoothing = 0.1
    augment = true
    elastic = 36
    ema = 0.999
    tta = true
    // One-cycle's last epochs are its best: stopping early would cut the anneal.
    patience = 0
    switch stem {
    case .standard:
      // On torchvision's stem no departure measured over three seeds beat the above by more than
      // the spread between seeds.
      break
    case .nomaxpool:
      // The best group of the sweep on this stem, over six seeds (ResNet18: 99.65% against the
      // recipe above's 99.59% over three).
      batchSize = 64
      elastic = 0
      zeroInitResidual = true
      weightDecay = 0.05
      cycleMomentum = true
      ttaRotation = 8
      ttaScale = 1.1
    }
  }
}

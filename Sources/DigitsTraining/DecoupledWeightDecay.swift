import Foundation

/// How far AdamW's weight decay shrinks the weights over a run. The decay is decoupled: every step
/// multiplies each weight by 1 - lr·wd before the Adam update (torch.optim.AdamW), so with a rate
/// near 1e-3 a decay sized for SGD's L2 term (5e-4) comes to a fraction of a percent over ten epochs,
/// and runs with and without it train nearly the same network.
public enum DecoupledWeightDecay {
  /// A run whose decay keeps more than this share of a weight barely regularises.
  public static let negligibleRetention = 0.99

  /// The product over the run's steps of (1 - lr·wd), each step at the rate the schedule gives it
  /// (a plateau schedule counted as never halving: the most decay it can give): what is left of a
  /// weight that no gradient moves. Nil when the optimiser does not decouple its decay (Adam and
  /// SGD add it to the gradient, where Adam's scaling and the momentum reshape it) or has none.
  public static func retention(of config: TrainingConfig, stepsPerEpoch: Int) -> Double? {
    guard config.optimizer == .adamw, config.weightDecay > 0, config.epochs > 0, stepsPerEpoch > 0 else {
      return nil
    }
    let decay = Double(config.weightDecay)
    let logRetention = (0..<config.epochs * stepsPerEpoch).reduce(0.0) { sum, step in
      sum + log1p(-Double(config.learningRate(beforeStep: step, stepsPerEpoch: stepsPerEpoch)) * decay)
    }
    return exp(logRetention)
  }

  /// One sentence for a run whose decay barely acts, nil otherwise: "weight decay 0.0005 under
  /// AdamW multiplies each weight by (1 - lr·wd) per step, 0.9967 over the run's 6,570 steps: ...".
  public static func negligibleDecayNote(for config: TrainingConfig, stepsPerEpoch: Int) -> String? {
    guard let kept = retention(of: config, stepsPerEpoch: stepsPerEpoch), kept > negligibleRetention else {
      return nil
    }
    let steps = config.epochs * stepsPerEpoch
    return "weight decay \(config.weightDecay) under AdamW multiplies each weight by (1 - lr·wd) per step, "
      + String(format: "%.4f", kept) + " over the run's \(steps.formatted()) steps: "
      + "it barely regularises (AdamW's usual values are 0.01 to 0.05)"
  }
}

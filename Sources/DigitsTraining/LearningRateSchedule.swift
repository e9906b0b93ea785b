import Foundation

/// How the learning rate moves over a run.
public enum LearningRateSchedule: String, Codable, CaseIterable, Sendable {
  /// The paper's setting: lr for every epoch.
  case constant
  /// Cosine annealing from lr to 0 over the epoch budget (torch CosineAnnealingLR, T_max = epochs,
  /// stepped once per epoch).
  case cosine
  /// Halve lr after an epoch whose validation loss did not improve (ReduceLROnPlateau,
  /// factor 0.5, patience 0).
  case plateau
  /// torch OneCycleLR with its defaults, stepped after every optimiser step: a cosine warm-up
  /// from lr/25 to lr over the first 30% of the steps, then a cosine anneal to lr/25/1e4.
  case onecycle

  /// True when the rate changes at every optimiser step rather than once per epoch.
  public var changesEveryStep: Bool { self == .onecycle }

  /// The learning rate for `epoch` (1-based), given the base rate and the budget.
  /// `plateauHalvings` counts the non-improving epochs so far (for `.plateau`); for `.onecycle`,
  /// the rate of the epoch's first step.
  public func rate(base: Float, epoch: Int, epochs: Int, plateauHalvings: Int, stepsPerEpoch: Int = 1)
    -> Float
  {
    switch self {
    case .constant:
      return base
    case .cosine:
      let progress = Double(epoch - 1) / Double(max(epochs, 1))
      return Float(Double(base) * (1 + cos(Double.pi * progress)) / 2)
    case .plateau:
      return base * pow(0.5, Float(plateauHalvings))
    case .onecycle:
      return oneCycleRate(peak: base, step: (epoch - 1) * stepsPerEpoch, totalSteps: epochs * stepsPerEpoch)
    }
  }

  /// OneCycleLR's rate before optimiser step `step` (0-based) of `totalSteps`.
  public func oneCycleRate(peak: Float, step: Int, totalSteps: Int) -> Float {
    let initial = Double(peak) / 25
    return oneCycle(from: initial, via: Double(peak), to: initial / 1e4, step: step, totalSteps: totalSteps)
  }

  /// OneCycleLR's momentum (Adam's β1) before step `step`: its defaults (cycle_momentum) move it
  /// from 0.95 down to 0.85 while the rate warms up and back to 0.95 while the rate anneals.
  public func oneCycleMomentum(step: Int, totalSteps: Int) -> Float {
    oneCycle(from: 0.95, via: 0.85, to: 0.95, step: step, totalSteps: totalSteps)
  }

  /// Cosine from `start` to `middle` over the first 30% of the steps, then to `end` (OneCycleLR's
  /// two phases, pct_start 0.3, anneal_strategy "cos").
  private func oneCycle(from start: Double, via middle: Double, to end: Double, step: Int, totalSteps: Int)
    -> Float
  {
    let warmupEnd = 0.3 * Double(totalSteps) - 1
    let last = Double(totalSteps - 1)
    let t = Double(min(step, totalSteps - 1))
    func anneal(_ from: Double, _ to: Double, _ fraction: Double) -> Float {
      Float(to + (from - to) / 2 * (cos(Double.pi * fraction) + 1))
    }
    if t <= warmupEnd { return anneal(start, middle, warmupEnd > 0 ? t / warmupEnd : 1) }
    return anneal(middle, end, last > warmupEnd ? (t - warmupEnd) / (last - warmupEnd) : 1)
  }
}

extension TrainingConfig {
  /// The rate before optimiser step `step` (0-based) of a run of `epochs` × `stepsPerEpoch` steps:
  /// one-cycle's rate for that step, or the rate of the epoch the step belongs to. The trainer and
  /// anything that reasons about a run's rates (its weight decay) read it from here.
  public func learningRate(beforeStep step: Int, stepsPerEpoch: Int, plateauHalvings: Int = 0) -> Float {
    if schedule.changesEveryStep {
      return schedule.oneCycleRate(peak: learningRate, step: step, totalSteps: epochs * stepsPerEpoch)
    }
    return schedule.rate(
      base: learningRate, epoch: step / max(stepsPerEpoch, 1) + 1, epochs: epochs,
      plateauHalvings: plateauHalvings, stepsPerEpoch: stepsPerEpoch)
  }
}

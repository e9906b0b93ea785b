import DigitsTraining
import Foundation

extension TrainingConfig {
  /// One setting in which a run departs from its protocol's recipe.
  public struct RecipeChange: Equatable, Sendable {
    /// In words: "no augmentation", "lr 0.01", "schedule constant".
    public var description: String
    /// The ingredient of the recipe the change switches off ("augmentation", "elastic
    /// distortion", "EMA", "TTA", "label smoothing", "weight decay", "one-cycle schedule"); nil
    /// for any other change.
    public var removes: String?
    /// The `digits train` options that make the change (`["--batch-size", "64"]`); nil when no
    /// option does.
    public var flags: [String]?
  }

  /// The recipe this run's protocol starts from, on this run's thread count: what the report
  /// measures every departure against (the one place it builds a protocol's settings).
  public var protocolRecipe: TrainingConfig {
    TrainingConfig(protocol: trainingProtocol, stem: stem, threads: threads)
  }

  /// How this run's recipe differs from `protocolRecipe`, setting by setting; what only sizes or
  /// places a run (model, stem, seed, epochs, training limit, threads, data folder) is not part of
  /// a recipe. Empty: the protocol's recipe as it is.
  public var recipeChanges: [RecipeChange] {
    let recipe = protocolRecipe
    var changes: [RecipeChange] = []
    func note(
      _ differs: Bool, _ description: @autoclosure () -> String, removes: String? = nil,
      flags: @autoclosure () -> [String]?
    ) {
      if differs {
        changes.append(RecipeChange(description: description(), removes: removes, flags: flags()))
      }
    }
    func value(_ number: Float) -> String { Self.flagValue(Double(number)) }
    note(
      optimizer != recipe.optimizer, "optimizer \(optimizer.rawValue)",
      flags: ["--optimizer", optimizer.rawValue])
    note(learningRate != recipe.learningRate, "lr \(learningRate)", flags: ["--lr", value(learningRate)])
    note(
      schedule != recipe.schedule, "schedule \(schedule.rawValue)",
      removes: recipe.schedule == .onecycle ? "one-cycle schedule" : nil,
      flags: ["--schedule", schedule.rawValue])
    note(
      schedule == .onecycle && cycleMomentum != recipe.cycleMomentum,
      cycleMomentum ? "momentum cycled" : "momentum fixed",
      flags: [cycleMomentum ? "--cycle-momentum" : "--no-cycle-momentum"])
    note(
      weightDecay != recipe.weightDecay, "weight decay \(weightDecay)",
      removes: weightDecay == 0 ? "weight decay" : nil, flags: ["--weight-decay", value(weightDecay)])
    note(
      labelSmoothing != recipe.labelSmoothing, "label smoothing \(labelSmoothing)",
      removes: labelSmoothing == 0 ? "label smoothing" : nil,
      flags: ["--label-smoothing", value(labelSmoothing)])
    note(
      augment != recipe.augment, augment ? "augmentation" : "no augmentation",
      removes: augment ? nil : "augmentation", flags: [augment ? "--augment" : "--no-augment"])
    note(
      augment && !hasStandardAffineRanges, affineRangesDescription,
      flags: [
        ("--augment-degrees", augmentDegrees, recipe.augmentDegrees),
        ("--augment-translate", augmentTranslate, recipe.augmentTranslate),
        ("--augment-scale", augmentScale, recipe.augmentScale),
      ].filter { $0.1 != $0.2 }.flatMap { [$0.0, value($0.1)] })
    note(
      augment && augmentSampling != recipe.augmentSampling,
      "\(augmentSampling.rawValue) augmentation sampling",
      flags: ["--augment-sampling", augmentSampling.rawValue])
    note(
      augment && elastic != recipe.elastic, elastic == 0 ? "no elastic distortion" : "elastic \(elastic)",
      removes: elastic == 0 ? "elastic distortion" : nil, flags: ["--elastic", value(elastic)])
    note(
      augment && elastic > 0 && elasticSigma != recipe.elasticSigma, "elastic sigma \(elasticSigma)",
      flags: ["--elastic-sigma", value(elasticSigma)])
    note(
      augment && cleanEpochs != recipe.cleanEpochs, cleanEpochsDescription,
      flags: ["--clean-epochs", "\(cleanEpochs)"])
    note(
      ema != recipe.ema, ema.map { "EMA \($0)" } ?? "no EMA", removes: ema == nil ? "EMA" : nil,
      flags: ["--ema", ema.map(value) ?? "0"])
    note(
      tta != recipe.tta, tta ? "TTA" : "no TTA", removes: tta ? nil : "TTA",
      flags: [tta ? "--tta" : "--no-tta"])
    note(
      tta && (ttaRotation != recipe.ttaRotation || ttaScale != recipe.ttaScale),
      ttaRotation == 0 && ttaScale == 1 ? "TTA shifts only" : ttaDescription,
      flags: (ttaRotation != recipe.ttaRotation ? ["--tta-rotation", value(ttaRotation)] : [])
        + (ttaScale != recipe.ttaScale ? ["--tta-scale", value(ttaScale)] : []))
    note(
      zeroInitResidual != recipe.zeroInitResidual,
      zeroInitResidual ? "zero-init residual" : "no zero-init residual",
      flags: [zeroInitResidual ? "--zero-init-residual" : "--no-zero-init-residual"])
    note(batchSize != recipe.batchSize, "batch \(batchSize)", flags: ["--batch-size", "\(batchSize)"])
    note(patience != recipe.patience, "patience \(patience)", flags: ["--patience", "\(patience)"])
    note(minDelta != recipe.minDelta, "min delta \(minDelta)", flags: ["--min-delta", value(minDelta)])
    note(
      validationRatio != recipe.validationRatio, validationDescription,
      flags: ["--val-ratio", Self.flagValue(validationRatio)])
    return changes
  }

  /// A number as a command line takes it: "0.0005", "36", "1.1".
  static func flagValue(_ number: Double) -> String { String(format: "%g", number) }

  /// Each ingredient this run goes without, with the changes of the recipe it would be removed
  /// from (the run's other changes): `--no-augment` alone removes augmentation from the
  /// protocol's recipe, `--batch-size 64 --no-augment` from the recipe with batch 64, and
  /// `--ema 0 --label-smoothing 0` either from the recipe without the other.
  public var removals: [(removed: String, base: [RecipeChange])] {
    let changes = recipeChanges
    return changes.indices.compactMap { index in
      changes[index].removes.map { removed in
        (removed, changes.indices.filter { $0 != index }.map { changes[$0] })
      }
    }
  }

  /// The ingredient this run goes without when that is its only change from its protocol's
  /// recipe (an ablation run: `digits train --protocol improved --no-augment`); nil otherwise.
  public var ablatedIngredient: String? {
    let removals = self.removals
    guard removals.count == 1, removals[0].base.isEmpty else { return nil }
    return removals[0].removed
  }
}

extension TrainingConfig {
  /// One setting in which a run departs from its protocol's recipe.
  public struct RecipeChange: Equatable, Sendable {
    /// In words: "no augmentation", "lr 0.01", "schedule constant".
    public var description: String
    /// The ingredient of the recipe the change switches off ("augmentation", "elastic
    /// distortion", "EMA", "TTA", "label smoothing", "weight decay", "one-cycle schedule"); nil
    /// for any other change.
    public var removes: String?
  }

  /// How this run's recipe differs from `TrainingConfig(protocol: trainingProtocol, stem: stem)`, setting by
  /// setting; what only sizes or places a run (model, stem, seed, epochs, training limit,
  /// threads, data folder) is not part of a recipe. Empty: the protocol's recipe as it is.
  public var recipeChanges: [RecipeChange] {
    let recipe = TrainingConfig(protocol: trainingProtocol, stem: stem, threads: threads)
    var changes: [RecipeChange] = []
    func note(_ differs: Bool, _ description: @autoclosure () -> String, removes: String? = nil) {
      if differs { changes.append(RecipeChange(description: description(), removes: removes)) }
    }
    note(optimizer != recipe.optimizer, "optimizer \(optimizer.rawValue)")
    note(learningRate != recipe.learningRate, "lr \(learningRate)")
    note(
      schedule != recipe.schedule, "schedule \(schedule.rawValue)",
      removes: recipe.schedule == .onecycle ? "one-cycle schedule" : nil)
    note(
      schedule == .onecycle && cycleMomentum != recipe.cycleMomentum,
      cycleMomentum ? "momentum cycled" : "momentum fixed")
    note(
      weightDecay != recipe.weightDecay, "weight decay \(weightDecay)",
      removes: weightDecay == 0 ? "weight decay" : nil)
    note(
      labelSmoothing != recipe.labelSmoothing, "label smoothing \(labelSmoothing)",
      removes: labelSmoothing == 0 ? "label smoothing" : nil)
    note(
      augment != recipe.augment, augment ? "augmentation" : "no augmentation",
      removes: augment ? nil : "augmentation")
    note(augment && !hasStandardAffineRanges, affineRangesDescription)
    note(
      augment && augmentSampling != recipe.augmentSampling,
      "\(augmentSampling.rawValue) augmentation sampling")
    note(
      augment && elastic != recipe.elastic, elastic == 0 ? "no elastic distortion" : "elastic \(elastic)",
      removes: elastic == 0 ? "elastic distortion" : nil)
    note(augment && elastic > 0 && elasticSigma != recipe.elasticSigma, "elastic sigma \(elasticSigma)")
    note(augment && cleanEpochs != recipe.cleanEpochs, cleanEpochsDescription)
    note(ema != recipe.ema, ema.map { "EMA \($0)" } ?? "no EMA", removes: ema == nil ? "EMA" : nil)
    note(tta != recipe.tta, tta ? "TTA" : "no TTA", removes: tta ? nil : "TTA")
    note(
      tta && (ttaRotation != recipe.ttaRotation || ttaScale != recipe.ttaScale),
      ttaRotation == 0 && ttaScale == 1 ? "TTA shifts only" : ttaDescription)
    note(
      zeroInitResidual != recipe.zeroInitResidual,
      zeroInitResidual ? "zero-init residual" : "no zero-init residual")
    note(batchSize != recipe.batchSize, "batch \(batchSize)")
    note(patience != recipe.patience, "patience \(patience)")
    note(minDelta != recipe.minDelta, "min delta \(minDelta)")
    note(validationRatio != recipe.validationRatio, validationDescription)
    return changes
  }

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

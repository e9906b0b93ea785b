import DigitsTraining

extension ExperimentReport {
  /// results.json: `models` (docs/contract.md's keys, one row per run in the groups' order, with its
  /// protocol, seed, stem and recipe changes), `aggregates` (per group, each metric's mean, std,
  /// min and max over the seeds, and the misclassified and tested images summed over them),
  /// `ensembles`, `ablation`, `variants` (each beside the recipe and its nearest group), and the
  /// best single model with its misclassified test-set indices (`best_model_errors`).
  public var resultsJSON: String {
    struct Row: Encodable {
      var model, `protocol`, stem: String
      var seed: UInt64
      var changes: [String]
      var accuracy, macroPrecision, macroRecall, macroF1: Double
      var misclassified, epochsRun, bestEpoch: Int
      var trainSeconds, secondsPerEpoch: Double
      var machine: String?
      var folder: String
    }
    struct Aggregate: Encodable {
      var group, model, `protocol`, stem: String
      var changes: [String]
      var seeds: [UInt64]
      var accuracy, macroPrecision, macroRecall, macroF1, epochsRun, secondsPerEpoch: Spread
      var misclassified, testImages: Int
    }
    struct AblationRow: Encodable {
      var model, stem, removed, recipe: String
      var seed: UInt64
      var accuracy: Double
      var fullRecipeAccuracy, delta: Double?
      var testedWithoutTTA: Bool
    }
    struct VariantRow: Encodable {
      var group: String
      var changes: [String]
      var seeds: [UInt64]
      var accuracy: Spread
      var recipeAccuracy, delta, ensembleAccuracy: Double?
      var nearest, nearestLacks: String?
      var nearestAccuracy, nearestDelta: Double?
    }
    struct Results: Encodable {
      var models: [Row]
      var aggregates: [Aggregate]
      var ensembles: [EnsembleResult]
      var ablation: [AblationRow]
      var variants: [VariantRow]
      var bestModel: String?
      var bestModelErrors: [Int]
    }
    let rows = groups.flatMap(\.runs).map { run in
      let (c, r) = (run.config, run.report)
      return Row(
        model: c.model.rawValue, protocol: c.trainingProtocol.rawValue, stem: c.stem.rawValue, seed: c.seed,
        changes: c.recipeChanges.map(\.description), accuracy: r.accuracy, macroPrecision: r.macroPrecision,
        macroRecall: r.macroRecall, macroF1: r.macroF1, misclassified: r.errorCount, epochsRun: run.epochsRun,
        bestEpoch: r.bestEpoch ?? 0,
        trainSeconds: run.trainSeconds, secondsPerEpoch: run.secondsPerEpoch,
        machine: r.trainMachine?.summary, folder: run.folder.path)
    }
    let aggregates = groups.map { g in
      let errors = g.errors
      return Aggregate(
        group: g.label, model: g.model.rawValue, protocol: g.trainingProtocol.rawValue, stem: g.stem.rawValue,
        changes: g.changes.map(\.description), seeds: g.seeds, accuracy: g.spread(\.accuracy),
        macroPrecision: g.spread(\.macroPrecision), macroRecall: g.spread(\.macroRecall),
        macroF1: g.spread(\.macroF1), epochsRun: g.epochsRun, secondsPerEpoch: g.secondsPerEpoch,
        misclassified: errors.misclassified, testImages: errors.tested)
    }
    let ablation = ablations.map { a in
      AblationRow(
        model: a.run.config.model.rawValue, stem: a.run.config.stem.rawValue, removed: a.removed,
        recipe: a.recipeLabel,
        seed: a.run.config.seed, accuracy: a.run.report.accuracy, fullRecipeAccuracy: a.full?.report.accuracy,
        delta: a.delta, testedWithoutTTA: a.testedWithoutTTA)
    }
    let variantRows = variants.map { v in
      VariantRow(
        group: v.group.label, changes: v.group.changes.map(\.description), seeds: v.group.seeds,
        accuracy: v.group.spread(\.accuracy),
        recipeAccuracy: v.recipeAccuracy, delta: v.delta,
        ensembleAccuracy: v.ensemble?.accuracy, nearest: v.nearest?.label, nearestLacks: v.addedToNearest,
        nearestAccuracy: v.nearestAccuracy, nearestDelta: v.nearestDelta)
    }
    let best = bestRun
    return encodeJSON(
      Results(
        models: rows, aggregates: aggregates, ensembles: ensembles, ablation: ablation,
        variants: variantRows,
        bestModel: best?.label,
        bestModelErrors: (best?.report.misclassified ?? []).map(\.index).sorted()))
  }
}

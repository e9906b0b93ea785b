import DigitsData
import DigitsImaging
import DigitsModels
import DigitsReport
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// The experiment report on runs made up in memory: aggregates against hand-computed numbers,
/// results.json's keys, grouping, the stem and ablation tables, ensembles kept from an earlier
/// report, the error grid and the convergence figure.
@Suite struct ExperimentReportTests {
  /// A finished run as RunSummary.load would read it, with the test figures given.
  static func run(
    _ recipe: TrainingProtocol = .paper, model: ResNetArchitecture = .resnet34, stem: ResNetStem = .standard,
    seed: UInt64, accuracy: Double, seconds: [Double] = [10, 12],
    edit: (inout TrainingConfig) -> Void = { _ in }
  ) -> RunSummary {
    var config = TrainingConfig(protocol: recipe, stem: stem, threads: 2)
    (config.model, config.seed) = (model, seed)
    edit(&config)
    var report = EvaluationReport(
      model: model.rawValue, metrics: ClassificationMetrics(confusion: [[5, 0], [1, 4]]))
    report.accuracy = accuracy
    report.macroPrecision = accuracy - 0.001
    report.macroRecall = accuracy - 0.002
    report.macroF1 = accuracy - 0.003
    report.bestEpoch = seconds.count
    report.epochsRun = seconds.count
    var history = TrainingHistory()
    history.epochs = seconds.enumerated().map { index, seconds in
      EpochRecord(
        epoch: index + 1, trainLoss: 0.5 / Float(index + 1) + 0.01 * Float(seed), trainAccuracy: 0.9,
        validationLoss: 0.3,
        validationAccuracy: 0.95 + 0.01 * Float(index) + 0.001 * Float(seed), learningRate: 1e-3,
        seconds: seconds)
    }
    history.steps = (1...(10 * seconds.count)).map { ($0, 2 / Float($0) + 0.01 * Float(seed)) }
    let folder = RunFolder("/nonexistent/\(config.runLabel.replacingOccurrences(of: " ", with: "-"))")
    return RunSummary(folder: folder, config: config, history: history, report: report)
  }

  /// Three paper ResNet34 seeds, a ResNet34 without max-pool, the improved ResNet50 and the
  /// same without augmentation.
  static let runs = [
    run(seed: 1, accuracy: 0.992, seconds: [11, 13]),
    run(seed: 0, accuracy: 0.990, seconds: [10, 12]),
    run(seed: 2, accuracy: 0.997, seconds: [12, 14]),
    run(stem: .nomaxpool, seed: 0, accuracy: 0.994, seconds: [20, 24]),
    run(.improved, model: .resnet50, seed: 0, accuracy: 0.995),
    run(.improved, model: .resnet50, seed: 0, accuracy: 0.993) { $0.augment = false },
  ]

  static func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func spreadIsMeanSampleStandardDeviationMinimumAndMaximum() {
    let three = Spread([0.990, 0.992, 0.997])
    #expect(abs(three.mean - 0.993) < 1e-12)
    // Deviations -0.003, -0.001, 0.004: squares 26e-6 over n - 1 = 2.
    #expect(abs(three.std - 13e-6.squareRoot()) < 1e-12)
    #expect(three.min == 0.990 && three.max == 0.997)
    let four = Spread([1, 2, 3, 4])
    #expect(four.mean == 2.5 && abs(four.std - (5.0 / 3).squareRoot()) < 1e-12)
    let one = Spread([0.5])
    #expect(one.mean == 0.5 && one.std == 0 && one.min == 0.5 && one.max == 0.5)
  }

  @Test func groupsAreProtocolModelStemAndRecipeInAFixedOrder() {
    let groups = RunGroup.grouping(Self.runs)
    #expect(
      groups.map(\.label) == [
        "paper resnet34", "paper resnet34 nomaxpool", "improved resnet50",
        "improved resnet50 (no augmentation)",
      ])
    #expect(groups[0].seeds == [0, 1, 2])
    #expect(groups[0].secondsPerEpoch.mean == 12)
    #expect(groups[0].epochsRun == Spread([2, 2, 2]))
  }

  @Test func recipeChangesNameWhatARunSwitchesOff() {
    var config = TrainingConfig(protocol: .improved, threads: 2)
    #expect(config.recipeChanges.isEmpty && config.ablatedIngredient == nil)
    let removals: [(WritableKeyPath<TrainingConfig, Bool>, String)] = [
      (\.augment, "augmentation"), (\.tta, "TTA"),
    ]
    for (flag, name) in removals {
      var ablated = config
      ablated[keyPath: flag] = false
      #expect(ablated.ablatedIngredient == name)
    }
    config.ema = nil
    #expect(config.ablatedIngredient == "EMA")
    config.labelSmoothing = 0
    #expect(config.ablatedIngredient == nil, "two changes are not an ablation")
    var schedule = TrainingConfig(protocol: .improved, threads: 2)
    schedule.schedule = .constant
    #expect(schedule.ablatedIngredient == "one-cycle schedule")
    var smoothing = TrainingConfig(protocol: .improved, threads: 2)
    smoothing.labelSmoothing = 0
    #expect(smoothing.ablatedIngredient == "label smoothing")
    var decay = TrainingConfig(protocol: .improved, threads: 2)
    decay.weightDecay = 0
    #expect(decay.ablatedIngredient == "weight decay")
    var rate = TrainingConfig(protocol: .improved, threads: 2)
    rate.learningRate = 0.01
    #expect(rate.recipeChanges.map(\.description) == ["lr 0.01"] && rate.ablatedIngredient == nil)
    var paper = TrainingConfig(protocol: .paper, threads: 7)
    (paper.model, paper.seed, paper.epochs, paper.trainLimit) = (.resnet18, 4, 1, 100)
    #expect(paper.recipeChanges.isEmpty, "model, seed, epochs and the limit are not the recipe")
    var cycled = TrainingConfig(protocol: .improved, threads: 2)
    cycled.cycleMomentum = true
    #expect(cycled.recipeChanges.map(\.description) == ["momentum cycled"])
    paper.cycleMomentum = true
    #expect(paper.recipeChanges.isEmpty, "momentum is cycled only by a one-cycle schedule")
    var everyImage = TrainingConfig(protocol: .improved, threads: 2)
    everyImage.validationRatio = 0
    #expect(everyImage.recipeChanges.map(\.description) == ["no validation split"])
  }

  @Test func resultsJSONHoldsRunsAggregatesEnsemblesAndTheBestModelsErrors() throws {
    var best = Self.runs
    best[2].report.misclassified = [
      MisclassifiedImage(index: 7, label: 1, predicted: 0, confidence: 0.6),
      MisclassifiedImage(index: 3, label: 0, predicted: 1, confidence: 0.9),
    ]
    let results = try Self.json(ExperimentReport(runs: best).resultsJSON)
    #expect(
      Set(results.keys) == [
        "models", "aggregates", "ensembles", "ablation", "variants", "best_model", "best_model_errors",
      ])
    let models = try #require(results["models"] as? [[String: Any]])
    #expect(models.count == 6)
    let specKeys: Set = [
      "model", "accuracy", "macro_precision", "macro_recall", "macro_f1", "epochs_run", "best_epoch",
      "train_seconds",
    ]
    for row in models {
      #expect(specKeys.union(["protocol", "seed", "stem"]).isSubset(of: Set(row.keys)), "\(row.keys)")
    }
    #expect(models[3]["stem"] as? String == "nomaxpool" && models[4]["protocol"] as? String == "improved")
    #expect(models[5]["changes"] as? [String] == ["no augmentation"] && models[2]["seed"] as? Int == 2)

    let aggregates = try #require(results["aggregates"] as? [[String: Any]])
    #expect(aggregates.count == 4)
    let first = aggregates[0]
    #expect(first["seeds"] as? [Int] == [0, 1, 2] && first["model"] as? String == "resnet34")
    for (metric, offset) in [
      ("accuracy", 0.0), ("macro_precision", 0.001), ("macro_recall", 0.002), ("macro_f1", 0.003),
    ] {
      let spread = try #require(first[metric] as? [String: Double], "\(metric)")
      #expect(abs(spread["mean"]! - (0.993 - offset)) < 1e-12, "\(metric)")
      #expect(abs(spread["std"]! - 13e-6.squareRoot()) < 1e-12, "\(metric)")
      #expect(
        abs(spread["min"]! - (0.990 - offset)) < 1e-12 && abs(spread["max"]! - (0.997 - offset)) < 1e-12)
    }
    #expect((first["seconds_per_epoch"] as? [String: Double])?["mean"] == 12)
    #expect(first["misclassified"] as? Int == 3 && first["test_images"] as? Int == 30)
    #expect(models.allSatisfy { $0["misclassified"] as? Int == 1 })

    #expect((results["ensembles"] as? [Any])?.isEmpty == true)
    #expect(results["best_model"] as? String == "paper resnet34 seed 2")
    #expect(results["best_model_errors"] as? [Int] == [3, 7])
    let ablation = try #require((results["ablation"] as? [[String: Any]])?.first)
    #expect(ablation["removed"] as? String == "augmentation" && ablation["model"] as? String == "resnet50")
    #expect(abs((ablation["delta"] as? Double ?? 0) - -0.002) < 1e-12)
  }

  @Test func reportShowsMeanAndSpreadStemAndAblationTables() {
    let markdown = ExperimentReport(runs: Self.runs).appendix
    #expect(
      markdown.contains(
        "| paper resnet34 | 3 | 99.30 ± 0.36 (99.00–99.70) | 3 of 30 | 99.20 ± 0.36 (98.90–99.60) |"),
      "each seed's one error of its confusion matrix, summed")
    #expect(markdown.contains("| 2.0 | 12 | 98.42 / 98.39 |"), "published ResNet34 figures beside the group")
    #expect(markdown.contains("| improved resnet50 | 1 | 99.50 | 1 of 10 | 99.40 |"), "one seed: no spread")
    #expect(markdown.contains("| paper resnet34 seed 2 | 99.70 | 1 | 99.60 |"), "a run's own errors")
    #expect(markdown.contains("## Stem without max-pool"))
    #expect(
      markdown.contains(
        "| paper resnet34 nomaxpool | 99.40 | paper resnet34 | 99.30 ± 0.36 (99.00–99.70) | 22 | 12 | 3.73× |"
      ))
    #expect(markdown.contains("## Ablation"))
    #expect(markdown.contains("| augmentation | improved resnet50 | 0 | 99.30 | 99.50 | -0.20 |"))
    #expect(markdown.contains("- `improved: adamw lr 0.002 (onecycle)"))
    #expect(
      markdown.contains("paper resnet34 seed 2 has the best test accuracy (99.70); its errors are not drawn"))
  }

  @Test func historyOfARunWithoutValidationShowsDashesNotNaN() {
    var everyImage = Self.run(.improved, model: .resnet18, seed: 0, accuracy: 0.996) {
      $0.validationRatio = 0
    }
    for index in everyImage.history.epochs.indices {
      everyImage.history.epochs[index].validationLoss = .nan
      everyImage.history.epochs[index].validationAccuracy = .nan
    }
    let markdown = ExperimentReport(runs: [everyImage]).appendix
    #expect(markdown.contains("| 1 | 0.5000 | 90.00% | — | — | 1.00e-03 |"))
    #expect(!markdown.contains("nan"))
    #expect(markdown.contains("no validation split"))
  }

  @Test func everyRunsTableSaysWhichMachinesItsSecondsCameFrom() throws {
    let machine = try #require(MachineDescription(cpuinfo: "model name\t: Test CPU\n", cpus: 2))
    let runs = (0..<3).map { seed in
      var run = Self.run(seed: UInt64(seed), accuracy: 0.99)
      if seed > 0 { run.report.trainMachine = machine }
      return run
    }
    let report = ExperimentReport(runs: runs)
    #expect(
      report.appendix.contains(
        "ran: 2 runs on Test CPU, 2 CPUs; 1 run on a CPU that metrics.json does not name (trained before it "
          + "recorded one)."))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(report.resultsJSON.utf8)) as? [String: Any])
    let rows = try #require(json["models"] as? [[String: Any]])
    #expect(rows.map { $0["machine"] as? String } == [nil, "Test CPU, 2 CPUs", "Test CPU, 2 CPUs"])
  }

  @Test func stemTableShowsThePapersNetworksWhenTheSameModelHasNoStandardStemGroup() {
    let runs = [
      Self.run(.improved, model: .resnet18, stem: .nomaxpool, seed: 0, accuracy: 0.996, seconds: [50, 50]),
      Self.run(.improved, model: .resnet34, seed: 0, accuracy: 0.995, seconds: [20, 20]),
      Self.run(.improved, model: .resnet50, seed: 0, accuracy: 0.994, seconds: [25, 25]),
      Self.run(.improved, model: .resnet50, seed: 1, accuracy: 0.990) { $0.augment = false },
    ]
    let comparisons = ExperimentReport(runs: runs).stemComparisons
    #expect(comparisons.map(\.nomaxpool.label) == ["improved resnet18 nomaxpool"])
    #expect(comparisons[0].standard.map(\.label) == ["improved resnet34", "improved resnet50"])
    let markdown = ExperimentReport(runs: runs).appendix
    // The ratio is of compute, not of the seconds (50 / 20): ResNet18 without max-pool does
    // 122,320,128 multiply-adds per image forward, ResNet34 69,653,760 (counted by hand).
    #expect(
      markdown.contains(
        "| improved resnet18 nomaxpool | 99.60 | improved resnet34 | 99.50 | 50 | 20 | 1.76× |"))
    #expect(
      markdown.contains(
        "| improved resnet18 nomaxpool | 99.60 | improved resnet50 | 99.40 | 50 | 25 | 1.57× |"))
  }

  @Test func variantsSitBesideTheRecipeOnTheSeedsTheyShare() throws {
    let batch64: (inout TrainingConfig) -> Void = { $0.batchSize = 64 }
    let runs = [
      Self.run(.improved, seed: 0, accuracy: 0.995), Self.run(.improved, seed: 1, accuracy: 0.996),
      Self.run(.improved, seed: 2, accuracy: 0.997),
      Self.run(.improved, seed: 0, accuracy: 0.997, edit: batch64),
      Self.run(.improved, seed: 1, accuracy: 0.997, edit: batch64),
      Self.run(.improved, seed: 5, accuracy: 0.990) { $0.elastic = 34 },
      Self.run(.improved, seed: 0, accuracy: 0.993) { $0.augment = false },
      Self.run(.improved, seed: 1, accuracy: 0.9985) {
        $0.batchSize = 64
        $0.zeroInitResidual = true
      }, Self.run(.improved, seed: 2, accuracy: 0.99699) { $0.batchSize = 32 },
    ]
    var report = ExperimentReport(runs: runs)
    let members = [
      "improved resnet34 (batch 64) seed 0", "improved resnet34 (batch 64) seed 1",
    ]
    report.ensembles = [
      EnsembleResult(name: "batch 64", members: members, tta: true, report: runs[3].report)
    ]
    let variants = report.variants
    #expect(
      variants.map(\.group.label) == [
        "improved resnet34 (batch 64)", "improved resnet34 (elastic 34.0)",
        "improved resnet34 (zero-init residual, batch 64)", "improved resnet34 (batch 32)",
      ])
    #expect(variants[0].recipe.map(\.config.seed) == [0, 1])
    // Seed 0: +0.002, seed 1: +0.001.
    #expect(abs((variants[0].delta ?? 0) - 0.0015) < 1e-12)
    #expect(variants[0].ensemble?.name == "batch 64")
    #expect(variants[0].nearest == nil, "a single change's nearest row is the recipe")
    #expect(variants[1].recipe.isEmpty && variants[1].delta == nil && variants[1].ensemble == nil)
    // Zero-init on top of batch 64, seed 1: +0.0025 over the recipe, +0.0015 over batch 64 alone.
    let stacked = variants[2]
    #expect(
      stacked.nearest?.label == "improved resnet34 (batch 64)"
        && stacked.addedToNearest == "zero-init residual")
    #expect(stacked.nearestRuns.map(\.config.seed) == [1])
    #expect(abs((stacked.delta ?? 0) - 0.0025) < 1e-12 && abs((stacked.nearestDelta ?? 0) - 0.0015) < 1e-12)
    let markdown = report.appendix
    #expect(
      markdown.contains(
        "| improved resnet34 (batch 64) | 0, 1 | 99.70 ± 0.00 (99.70–99.70) | 99.55 | +0.15 | – | – | – | 99.70 |"
      ))
    #expect(markdown.contains("| improved resnet34 (elastic 34.0) | 5 | 99.00 | – | – | – | – | – | – |"))
    #expect(
      markdown.contains(
        "| improved resnet34 (zero-init residual, batch 64) | 1 | 99.85 | 99.60 | +0.25 | zero-init residual "
          + "| 99.70 | +0.15 | – |"))
    #expect(
      markdown.contains("| improved resnet34 (batch 32) | 2 | 99.70 | 99.70 | +0.00 | – | – | – | – |"),
      "a difference that rounds to nothing reads +0.00, not -0.00")
    // No run of the paper's protocol: one convergence figure, of the protocol's recipe (also the
    // best recipe: the only group of three seeds).
    let figures = report.convergenceFigures
    #expect(figures.map(\.name) == ["convergence"] && figures[0].groups.map(\.label) == ["improved resnet34"])
    let json = try Self.json(report.resultsJSON)
    let rows = try #require(json["variants"] as? [[String: Any]])
    #expect(rows.count == 4 && rows[0]["changes"] as? [String] == ["batch 64"])
    #expect(abs((rows[0]["recipe_accuracy"] as? Double ?? 0) - 0.9955) < 1e-12)
    #expect(rows[1]["delta"] == nil && rows[1]["seeds"] as? [Int] == [5])
    #expect(rows[2]["nearest"] as? String == "improved resnet34 (batch 64)")
    #expect(rows[2]["nearest_lacks"] as? String == "zero-init residual")
    #expect(abs((rows[2]["nearest_delta"] as? Double ?? 0) - 0.0015) < 1e-12)
  }

  @Test func fullRunTestedWithoutTTAIsTheTTAAblationUnlessANoTTARunExists() throws {
    var full = Self.run(.improved, model: .resnet50, seed: 0, accuracy: 0.995)
    var plain = full.report
    plain.accuracy = 0.9935
    full.report.withoutTTA = HeadlineMetrics(plain)
    let json = encodeJSON(full.report)
    #expect(json.contains("\"without_tta\""))
    #expect(try decodeJSON(EvaluationReport.self, from: json) == full.report, "metrics.json reads back whole")
    let runs = [full, Self.run(.improved, model: .resnet50, seed: 0, accuracy: 0.993) { $0.augment = false }]
    let report = ExperimentReport(runs: runs)
    #expect(report.ablations.map(\.removed) == ["TTA", "augmentation"])
    let tta = try #require(report.ablations.first)
    #expect(
      tta.testedWithoutTTA && tta.run.report.accuracy == 0.9935 && tta.run.config.ablatedIngredient == "TTA")
    #expect(abs((tta.delta ?? 0) - -0.0015) < 1e-12)
    #expect(report.appendix.contains("| TTA | improved resnet50 | 0 | 99.35 | 99.50 | -0.15 |"))
    #expect(report.appendix.contains("TTA's row is the full recipe's run itself"))
    let rows = try #require(try Self.json(report.resultsJSON)["ablation"] as? [[String: Any]])
    #expect(rows.map { $0["tested_without_tta"] as? Bool } == [true, false])

    // A real --no-tta run of the same model and seed takes the row's place.
    let noTTA = Self.run(.improved, model: .resnet50, seed: 0, accuracy: 0.994) { $0.tta = false }
    let measured = ExperimentReport(runs: runs + [noTTA]).ablations.filter { $0.removed == "TTA" }
    #expect(measured.count == 1 && measured[0].testedWithoutTTA == false)
    #expect(measured[0].run.report.accuracy == 0.994)
  }

  @Test func anIngredientRemovedFromAVariantIsAnAblationOfThatVariant() throws {
    let batch64: (inout TrainingConfig) -> Void = { $0.batchSize = 64 }
    var base = Self.run(.improved, seed: 0, accuracy: 0.996, edit: batch64)
    var plain = base.report
    plain.accuracy = 0.995
    base.report.withoutTTA = HeadlineMetrics(plain)
    let runs = [
      Self.run(.improved, seed: 0, accuracy: 0.994), base,
      Self.run(.improved, seed: 0, accuracy: 0.993) {
        $0.batchSize = 64
        $0.augment = false
      },
      Self.run(.improved, seed: 1, accuracy: 0.992) {
        $0.batchSize = 64
        $0.ema = nil
      },
    ]
    let config = runs[2].config
    #expect(config.ablatedIngredient == nil)
    #expect(
      config.removals.map(\.removed) == ["augmentation"]
        && config.removals.first?.base.map(\.description) == ["batch 64"])
    let report = ExperimentReport(runs: runs)
    let ablations = report.ablations.filter { !$0.base.isEmpty }
    #expect(
      ablations.map(\.removed) == ["TTA", "augmentation"], "seed 1 has no batch-64 run to stand beside")
    #expect(
      ablations.allSatisfy {
        $0.recipeLabel == "improved resnet34 (batch 64)" && $0.full?.label == base.label
      })
    #expect(abs((ablations[1].delta ?? 0) - -0.003) < 1e-12)
    #expect(
      report.appendix.contains("| augmentation | improved resnet34 (batch 64) | 0 | 99.30 | 99.60 | -0.30 |"))
    #expect(
      report.variants.map(\.group.label) == [
        "improved resnet34 (batch 64)", "improved resnet34 (no EMA, batch 64)",
      ])
    let rows = try #require(try Self.json(report.resultsJSON)["ablation"] as? [[String: Any]])
    #expect(rows.compactMap { $0["recipe"] as? String }.contains("improved resnet34 (batch 64)"))
  }

  @Test func aRunWithTwoRemovalsStandsBesideTheRecipeWithMoreSeeds() {
    let noElastic: (inout TrainingConfig) -> Void = { $0.elastic = 0 }
    let runs = [
      Self.run(.improved, seed: 0, accuracy: 0.996),
      Self.run(.improved, seed: 0, accuracy: 0.995, edit: noElastic),
      Self.run(.improved, seed: 1, accuracy: 0.995, edit: noElastic),
      Self.run(.improved, seed: 0, accuracy: 0.994) { $0.ema = nil },
      Self.run(.improved, seed: 0, accuracy: 0.993) {
        $0.elastic = 0
        $0.ema = nil
      },
    ]
    let twoRemovals = ExperimentReport(runs: runs).ablations.filter { $0.run.report.accuracy == 0.993 }
    #expect(twoRemovals.count == 1 && twoRemovals.first?.removed == "EMA")
    #expect(twoRemovals.first?.recipeLabel == "improved resnet34 (no elastic distortion)")
    #expect(abs((twoRemovals.first?.delta ?? 0) - -0.002) < 1e-12)
  }

  @Test func weightDecaysAblationSaysWhenTheRecipesDecayBarelyActs() {
    // Two epochs of 329 steps: one-cycle to 2e-3 with decay 5e-4 leaves exp(-5e-4 · 2e-3 · 0.506 · 658).
    let twoEpochs: (inout TrainingConfig) -> Void = { $0.epochs = 2 }
    var full = Self.run(.improved, seed: 0, accuracy: 0.996, edit: twoEpochs)
    full.history.steps = (1...658).map { ($0, 1) }
    let withoutDecay = Self.run(.improved, seed: 0, accuracy: 0.995) {
      twoEpochs(&$0)
      $0.weightDecay = 0
    }
    let markdown = ExperimentReport(runs: [full, withoutDecay]).appendix
    #expect(markdown.contains("| weight decay | improved resnet34 | 0 | 99.50 | 99.60 | -0.10 |"))
    #expect(
      markdown.contains(
        "decay 0.0005 leaves 0.9997 of it after 658 steps. Their Δ is most likely seed noise."))
    #expect(!ExperimentReport(runs: Self.runs).appendix.contains("Weight decay's rows"))
  }

  @Test func ensemblesWithoutCheckpointsComeFromTheEarlierResults() throws {
    var report = ExperimentReport(runs: Self.runs)
    #expect(
      report.ensemblePlans.map(\.name) == ["paper resnet34: 3 seeds", "paper: all models (4 runs)"])
    let earlier = EnsembleResult(
      name: "an older name",
      members: ["paper resnet34 seed 2", "paper resnet34 seed 0", "paper resnet34 seed 1"],
      tta: false,
      report: EvaluationReport(model: "e", metrics: ClassificationMetrics(confusion: [[9, 1], [0, 10]])))
    let unrelated = EnsembleResult(
      name: "other", members: ["paper resnet34 seed 0"], tta: false,
      report: EvaluationReport(model: "e", metrics: ClassificationMetrics(confusion: [[1]])))
    try report.evaluateEnsembles(earlier: [unrelated, earlier])
    #expect(report.ensembles.count == 1)
    #expect(report.ensembles.first?.name == "paper resnet34: 3 seeds")
    #expect(report.ensembles.first?.accuracy == 0.95)
    #expect(report.ensembleNotes.count == 2)
    #expect(report.ensembleNotes[0].contains("from the earlier results.json"))
    #expect(report.ensembleNotes[1].contains("not evaluated"))
    let markdown = report.appendix
    #expect(markdown.contains("| paper resnet34: 3 seeds | seeds 2, 0, 1 | no |"))
    #expect(
      markdown.contains("| no | 95.00 | 95.45 | 95.00 | 94.99 | 99.30 |"), "members' mean accuracy last")

    // Written and read back as the next report's earlier results.
    let out = try TemporaryFolder()
    defer { out.remove() }
    try report.write(to: out.path)
    #expect(ExperimentReport.earlierEnsembles(in: out.path) == report.ensembles)
    #expect(ExperimentReport.earlierEnsembles(in: out.path + "/missing").isEmpty)
  }

  @Test func theEnsembleTableNamesItsSeedsAndItsTestViews() throws {
    let metrics = EvaluationReport(
      model: "e", metrics: ClassificationMetrics(confusion: [[9, 1], [0, 10]]))
    let rotated = "improved resnet34 (TTA (rotations ±8.0°))"
    var report = ExperimentReport(runs: Self.runs)
    report.ensembles = [
      EnsembleResult(
        name: "\(rotated): 2 seeds", members: ["\(rotated) seed 0", "\(rotated) seed 1"], tta: true,
        ttaRotation: 8, report: metrics),
      EnsembleResult(
        name: "improved: all models (2 runs)",
        members: ["improved resnet34 seed 0", "improved resnet50 seed 0"],
        tta: true, report: metrics),
      EnsembleResult(
        name: "paper resnet34: 2 seeds", members: ["paper resnet34 seed 0", "paper resnet34 seed 1"],
        tta: false, ttaRotation: 8, ttaScale: 1.1, report: metrics),
      EnsembleResult(
        name: "enlarged: 2 seeds", members: ["enlarged seed 0", "enlarged seed 1"], tta: true, ttaScale: 1.1,
        report: metrics),
    ]
    let markdown = report.appendix
    #expect(markdown.contains("| \(rotated): 2 seeds | seeds 0, 1 | shifts, rotations ±8.0° | 95.00 |"))
    #expect(
      markdown.contains(
        "| improved: all models (2 runs) | improved resnet34 seed 0, improved resnet50 seed 0 | shifts | 95.00 |"
      ))
    #expect(
      markdown.contains("| paper resnet34: 2 seeds | seeds 0, 1 | no | 95.00 |"), "no rotation without TTA")
    #expect(report.ensembles[2].ttaRotation == 0 && report.ensembles[2].ttaScale == 1)
    #expect(markdown.contains("| enlarged: 2 seeds | seeds 0, 1 | shifts, enlarged ×1.1 | 95.00 |"))

    // A results.json written before rotated views has no tta_rotation: the shifts only.
    let older = try decodeJSON(
      EnsembleResult.self,
      from: #"{"name": "a", "members": [], "tta": true, "accuracy": 1, "macro_precision": 1, "#
        + #""macro_recall": 1, "macro_f1": 1}"#)
    #expect(older.tta && older.ttaRotation == 0 && older.ttaScale == 1)
  }

  @Test func anEnsembleKeptFromAResultsJSONWithoutTTARotationTakesItFromItsMembers() throws {
    let rotated = [0, 1].map { seed in
      Self.run(.improved, model: .resnet50, seed: UInt64(seed), accuracy: 0.995) {
        $0.ttaRotation = 8
        $0.ttaScale = 1.1
      }
    }
    var report = ExperimentReport(runs: rotated)
    let plan = try #require(report.ensemblePlans.first)
    let members = rotated.map { "\"\($0.label)\"" }.joined(separator: ", ")
    let older = try decodeJSON(
      EnsembleResult.self,
      from: #"{"name": "old", "members": ["# + members + #"], "tta": true, "accuracy": 0.99, "#
        + #""macro_precision": 0.99, "macro_recall": 0.99, "macro_f1": 0.99}"#)
    #expect(older.ttaRotation == 0)
    try report.evaluateEnsembles(earlier: [older])
    let kept = try #require(report.ensembles.first)
    #expect(kept.name == plan.name && kept.ttaRotation == 8 && kept.ttaScale == 1.1)
    #expect(report.appendix.contains("| seeds 0, 1 | shifts, rotations ±8.0°, enlarged ×1.1 | 99.00 |"))
  }

  @Test func anEnsembleOfEveryModelWithNewRunsKeepsTheLargestEarlierOneUnderItsOwnName() throws {
    let seeds = Self.runs.prefix(3).map(\.label)
    let metrics = EvaluationReport(
      model: "e", metrics: ClassificationMetrics(confusion: [[9, 1], [0, 10]]))
    let group = EnsembleResult(name: "paper resnet34: 3 seeds", members: seeds, tta: false, report: metrics)
    let two = EnsembleResult(
      name: "paper: all models (2 runs)", members: Array(seeds.prefix(2)), tta: false, report: metrics)
    let three = EnsembleResult(
      name: "paper: all models (3 runs)", members: [seeds[0], seeds[1], Self.runs[3].label], tta: false,
      report: metrics)
    var report = ExperimentReport(runs: Self.runs)
    try report.evaluateEnsembles(earlier: [two, group, three])
    #expect(report.ensembles.map(\.name) == ["paper resnet34: 3 seeds", "paper: all models (3 runs)"])
    #expect(report.ensembles.last?.members == three.members)
    #expect(report.ensembleNotes.last?.contains("(3 of its runs) stands in for it") == true)

    // The group's own ensemble is planned, so it never stands in for the protocol's.
    try report.evaluateEnsembles(earlier: [group])
    #expect(report.ensembles.map(\.name) == ["paper resnet34: 3 seeds"])
    #expect(report.ensembleNotes.last?.contains("not evaluated") == true)
  }

  /// Ten 28x28 images: image n is filled with the value 20 * n and labelled n.
  static let images = LabeledImages(
    rows: 28, cols: 28, pixels: (0..<10).flatMap { [UInt8](repeating: UInt8(20 * $0), count: 784) },
    labels: (0..<10).map(UInt8.init))

  static let png: ([UInt8], Int, Int) -> [UInt8] = { ImageEncoder.png($0, width: $1, height: $2) }

  @Test func errorGridHasOneTilePerMisclassifiedImage() throws {
    let errors = [
      MisclassifiedImage(index: 3, label: 3, predicted: 5, confidence: 0.874),
      MisclassifiedImage(index: 8, label: 8, predicted: 0, confidence: 0.51),
      MisclassifiedImage(index: 1, label: 1, predicted: 7, confidence: 0.99),
    ]
    let svg = ErrorGrid(title: "three errors", images: Self.images, errors: errors, pngEncoder: Self.png).svg
    let tiles = svg.components(separatedBy: "<image ").dropFirst()
    #expect(tiles.count == 3)
    for label in ["1 → 7 (99%)", "3 → 5 (87%)", "8 → 0 (51%)"] { #expect(svg.contains(label), "\(label)") }
    // Ordered by true class; each tile is the PNG of its test image.
    for (tile, index) in zip(tiles, [1, 3, 8]) {
      let base64 = try #require(tile.split(separator: "base64,").last?.split(separator: "\"").first)
      let png = try #require(Data(base64Encoded: String(base64)))
      #expect(
        [UInt8](png)
          == ImageEncoder.png([UInt8](repeating: UInt8(20 * index), count: 784), width: 28, height: 28))
      #expect(tile.contains("<title>test image \(index)</title>"))
    }
  }

  @Test func errorGridWrapsALongTitleWithinItsWidth() throws {
    let errors = [MisclassifiedImage(index: 3, label: 3, predicted: 5, confidence: 0.874)]
    let words = (1...60).map { "word\($0)" }
    let svg = ErrorGrid(
      title: words.joined(separator: " "), images: Self.images, errors: errors, pngEncoder: Self.png
    )
    .svg
    let lines = svg.components(separatedBy: "<tspan ").dropFirst().map {
      String($0.split(separator: ">")[1].split(separator: "<")[0])
    }
    #expect(lines.count > 1)
    #expect(lines.joined(separator: " ") == words.joined(separator: " "))
    let width = try #require(Int(String(svg.split(separator: "width=\"")[1].split(separator: "\"")[0])))
    for line in lines { #expect(16 + line.count * ErrorGrid.headingCharacterWidth <= width, "\(line)") }
    // The tiles start below the heading's last line.
    let firstTileY = try #require(
      Int(String(svg.split(separator: "<image ")[1].split(separator: "y=\"")[1].split(separator: "\"")[0])))
    #expect(firstTileY >= 6 + lines.count * ErrorGrid.headingLineHeight + 8)
  }

  @Test func reportDrawsTheBestRunsErrorsFromTheTestSetGiven() throws {
    var runs = Self.runs
    runs[2].report.misclassified = [
      MisclassifiedImage(index: 4, label: 4, predicted: 9, confidence: 0.7),
      MisclassifiedImage(index: 2, label: 2, predicted: 3, confidence: 0.6),
    ]
    let out = try TemporaryFolder()
    defer { out.remove() }
    let report = ExperimentReport(runs: runs, testSet: Self.images, pngEncoder: Self.png)
    try report.write(to: out.path)
    let svg = try String(contentsOfFile: out.path + "/errors.svg", encoding: .utf8)
    #expect(svg.components(separatedBy: "<image ").count == 3)
    let markdown = try String(contentsOfFile: out.path + "/APPENDIX.md", encoding: .utf8)
    #expect(markdown.contains("![Misclassified test images of paper resnet34 seed 2](errors.png)"))
    #expect(
      try Self.json(String(contentsOfFile: out.path + "/results.json", encoding: .utf8))["best_model_errors"]
        as? [Int] == [2, 4])
    for name in ["REPORT.md", "APPENDIX.md", "results.json", "convergence.svg", "convergence-recipes.svg"] {
      #expect(FileManager.default.fileExists(atPath: out.path + "/" + name), "\(name)")
    }

    // Another test set (labels that disagree): no grid, a sentence why, and no stale errors.svg.
    let shuffled = LabeledImages(
      rows: 28, cols: 28, pixels: Self.images.pixels, labels: Self.images.labels.reversed())
    let other = ExperimentReport(runs: runs, testSet: shuffled, pngEncoder: Self.png)
    #expect(other.errorGrid.grid == nil)
    #expect(
      other.errorGrid.note?.contains("test image 4 is labelled 5 in the test set given, 4 in metrics.json")
        == true)
    try other.write(to: out.path)
    #expect(!FileManager.default.fileExists(atPath: out.path + "/errors.svg"))
    #expect(
      try String(contentsOfFile: out.path + "/APPENDIX.md", encoding: .utf8).contains(
        "its errors are not drawn"))
  }
}

import DigitsModels
import DigitsTraining
import Foundation

extension ExperimentReport {
  /// APPENDIX.md, beside REPORT.md: every figure REPORT.md sums up, and how it was made: the
  /// protocols, the data split, every group and run, the ensembles, the stem, ablation and
  /// variant tables, the recipes' convergence, the best model's errors, training times, each
  /// run's history, the confusion matrices and the settings.
  public var appendix: String {
    let groups = self.groups
    var lines = ["# \(title) on MNIST: appendix", ""]
    lines += [
      "Everything behind [REPORT.md](REPORT.md). Test-set figures are "
        + "for each run's weights of the epoch with the lowest validation loss (training loss in a run without "
        + "a validation split) under early stopping (the "
        + "paper's protocol), and of its last epoch without it (the improved one). Figures over seeds are the "
        + "mean ± the sample standard deviation, with the lowest and highest seed in brackets.", "",
    ]
    lines += protocolSection
    lines += splitSection
    lines += resultsSection(groups)
    lines += ensembleSection
    lines += stemSection
    lines += ablationSection
    lines += variantSection
    lines += convergenceSection(groups)
    lines += errorSection
    lines += timeSection(groups)
    lines += historySection(groups)
    lines += confusionSection(groups)
    lines += settingsSection(groups)
    return lines.joined(separator: "\n") + "\n"
  }

  /// The recipes' convergence figure, or where the one figure is when there is no second.
  private func convergenceSection(_ groups: [RunGroup]) -> [String] {
    let figures = convergenceFigures
    guard figures.count > 1 else {
      return [
        "## Convergence", "",
        "The convergence figure is in [REPORT.md](REPORT.md) ([\(figures[0].name).svg](\(figures[0].name).svg)).",
        "",
      ]
    }
    let (name, charted) = figures[1]
    let left = groups.count - charted.count - figures[0].groups.count
    return [
      "## Convergence of the recipes", "", "![Convergence of the recipes by epoch](\(name).png)", "",
      "SVG: [\(name).svg](\(name).svg). Each protocol's own recipe but the paper's (whose figure is in "
        + "REPORT.md) and the best recipe of each stem, one colour per group, against epochs so that runs of "
        + "different batch sizes line up: lines are the mean over the seeds, bands span the lowest to the "
        + "highest seed, the faint loss is per iteration averaged over a tenth of an epoch; the loss panel's "
        + "title says which losses are label-smoothed (such a loss cannot fall below its dashed floor)."
        + (left > 0
          ? " The other \(left) groups are in the tables above and in each run's history below." : ""),
      "",
    ]
  }

  /// Each protocol's recipe as the runs started from it (one line per distinct recipe).
  private var protocolSection: [String] {
    var lines = ["## Protocols", ""]
    for recipe in TrainingProtocol.allCases {
      let summaries = runs.filter { $0.config.trainingProtocol == recipe }.map(
        \.config.protocolRecipe.recipeSummary)
      let note = recipe == .paper ? " (the published setting)" : ""
      for summary in summaries.reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
        lines.append("- `\(summary)`\(note)")
      }
    }
    if runs.contains(where: { !$0.config.recipeChanges.isEmpty }) {
      lines += [
        "",
        "A run whose settings depart from its protocol's recipe is grouped apart, the departure in brackets.",
      ]
    }
    return lines + [""]
  }

  private var splitSection: [String] {
    guard let first = runs.first else { return [] }
    let counts = first.splitCounts
    return ["## Data split", ""]
      + Markdown.table(
        ["set", "images"], align: "lr",
        [
          ["train", counts.train.formatted()], ["validation", counts.validation.formatted()],
          ["test", counts.test.formatted()],
        ])
  }

  private func resultsSection(_ groups: [RunGroup]) -> [String] {
    var rows = groups.map { g in
      let n = g.runs.count
      return [
        g.label, "\(n)", Markdown.spreadCell(g.spread(\.accuracy), seeds: n), Markdown.errors(g.errors),
        Markdown.spreadCell(g.spread(\.macroPrecision), seeds: n),
        Markdown.spreadCell(g.spread(\.macroRecall), seeds: n),
        Markdown.spreadCell(g.spread(\.macroF1), seeds: n),
        Markdown.plain(g.epochsRun.mean, digits: 1), Markdown.plain(g.secondsPerEpoch.mean, digits: 0),
        published(g.model.rawValue),
      ]
    }
    for name in Self.published.keys.sorted() where !runs.contains(where: { $0.config.model.rawValue == name })
    {
      rows.append([name, "not run", "", "", "", "", "", "", "", published(name)])
    }
    let runRows = groups.flatMap(\.runs).map { run in
      let r = run.report
      return [
        run.label, Markdown.percent(r.accuracy), "\(r.errorCount)", Markdown.percent(r.macroPrecision),
        Markdown.percent(r.macroRecall),
        Markdown.percent(r.macroF1),
        "\(run.epochsRun)",
        "\(r.bestEpoch ?? 0)", Markdown.plain(run.secondsPerEpoch, digits: 0), "`\(run.folder.path)`",
      ]
    }
    return ["## Results (test set, %)", ""]
      + Markdown.table(
        [
          "group", "seeds", "accuracy", "misclassified", "macro precision", "macro recall", "macro F1",
          "epochs run", "seconds per epoch", "published accuracy / F1",
        ], align: "lrlrlllrrl", rows)
      + [
        "Misclassified: test images wrong, summed over the seeds, of those tested; exact where a mean "
          + "rounded to two decimals is not. Published: the paper's ResNet34 and ResNet50 (PyTorch, Tesla P100), "
          + "accuracy / macro F1.", "",
        "### Every run", "",
      ]
      + Markdown.table(
        [
          "run", "accuracy", "misclassified", "macro precision", "macro recall", "macro F1", "epochs run",
          "best epoch", "seconds per epoch", "folder",
        ], align: "lrrrrrrrrl", runRows)
      + [machinesNote, ""]
  }

  /// Which CPUs the seconds per epoch come from: a figure means little without its machine.
  private var machinesNote: String {
    let runs = groups.flatMap(\.runs)
    var counts: [(machine: String, runs: Int)] = []
    for summary in runs.compactMap({ $0.report.trainMachine?.summary }) {
      if let index = counts.firstIndex(where: { $0.machine == summary }) {
        counts[index].runs += 1
      } else {
        counts.append((summary, 1))
      }
    }
    let unrecorded = runs.count - counts.reduce(0) { $0 + $1.runs }
    let plural = { (count: Int) in count == 1 ? "1 run" : "\(count) runs" }
    var sources = counts.map { "\(plural($0.runs)) on \($0.machine)" }
    if unrecorded > 0 {
      sources.append(
        "\(plural(unrecorded)) on a CPU that metrics.json does not name (trained before it recorded one)")
    }
    return "Seconds per epoch are as each run measured them, at its own thread count and beside whatever "
      + "else ran: " + sources.joined(separator: "; ") + ". BENCHMARKS.md compares speeds within one sitting."
  }

  private func published(_ model: String) -> String {
    Self.published[model].map { String(format: "%.2f / %.2f", $0[0], $0[3]) } ?? "–"
  }

  private var ensembleSection: [String] {
    guard !ensembles.isEmpty || !ensembleNotes.isEmpty else { return [] }
    let rows = ensembles.map { e in
      let accuracies = runs.filter { e.members.contains($0.label) }.map(\.report.accuracy)
      return [
        e.name, Self.memberList(e), Self.testViews(e), Markdown.percent(e.accuracy),
        Markdown.percent(e.macroPrecision),
        Markdown.percent(e.macroRecall), Markdown.percent(e.macroF1),
        accuracies.isEmpty ? "–" : Markdown.percent(accuracies.reduce(0, +) / Double(accuracies.count)),
      ]
    }
    return [
      "## Ensembles (test set, %)", "",
      "The mean of the members' softmax probabilities (each member's best.safetensors); with TTA "
        + "(and its rotated views) when every member was tested with it.", "",
    ]
      + Markdown.table(
        [
          "ensemble", "members", "TTA", "accuracy", "macro precision", "macro recall", "macro F1",
          "members' mean accuracy",
        ], align: "lllrrrrr", rows) + ensembleNotes.map { "- " + $0 } + (ensembleNotes.isEmpty ? [] : [""])
  }

  /// "seeds 0, 1, 2" when the members are the seeds of the group the ensemble is named after;
  /// otherwise every member's label.
  static func memberList(_ ensemble: EnsembleResult) -> String {
    if let colon = ensemble.name.range(of: ": ", options: .backwards) {
      let prefix = ensemble.name[..<colon.lowerBound] + " seed "
      if ensemble.members.allSatisfy({ $0.hasPrefix(prefix) }) {
        return "seeds " + ensemble.members.map { $0.dropFirst(prefix.count) }.joined(separator: ", ")
      }
    }
    return ensemble.members.joined(separator: ", ")
  }

  /// "no", "shifts", or "shifts, rotations ±8.0°, enlarged ×1.1": the TTA views the ensemble
  /// averaged.
  static func testViews(_ ensemble: EnsembleResult) -> String {
    guard ensemble.tta else { return "no" }
    return
      (["shifts"] + TrainingConfig.testViewExtras(rotation: ensemble.ttaRotation, scale: ensemble.ttaScale))
      .joined(separator: ", ")
  }

  private var stemSection: [String] {
    let comparisons = stemComparisons
    guard !comparisons.isEmpty else { return [] }
    let rows = comparisons.flatMap { nomaxpool, standard in
      // Each count builds a network and runs it once: once per group, not once per cell.
      let flops = nomaxpool.trainingFLOPsPerImage
      return (standard.isEmpty ? [nil] : standard.map { Optional($0) }).map { beside in
        [
          nomaxpool.label, Markdown.spreadCell(nomaxpool.spread(\.accuracy), seeds: nomaxpool.runs.count),
          beside?.label ?? "–",
          beside.map { Markdown.spreadCell($0.spread(\.accuracy), seeds: $0.runs.count) } ?? "–",
          Markdown.plain(nomaxpool.secondsPerEpoch.mean, digits: 0),
          beside.map { Markdown.plain($0.secondsPerEpoch.mean, digits: 0) } ?? "–",
          beside.map { String(format: "%.2f×", flops / $0.trainingFLOPsPerImage) }
            ?? "–",
        ]
      }
    }
    return [
      "## Stem without max-pool", "",
      "Networks without the stem's max-pool (14x14 maps into stage 1) beside those with torchvision's stem "
        + "under the same recipe, the same model first: test accuracy (%), seconds per epoch as each run "
        + "measured it, and the ratio of their training compute (FLOPs per image, as `digits bench` counts "
        + "them). The seconds depend on the machine, the thread count and what ran beside each run, which "
        + "differ between these runs, so they are not compared here: BENCHMARKS.md times the networks side "
        + "by side in one sitting.",
      "",
    ]
      + Markdown.table(
        [
          "group", "accuracy", "beside", "its accuracy", "seconds per epoch", "its seconds per epoch",
          "compute ratio",
        ], align: "llllrrr", rows)
  }

  private var ablationSection: [String] {
    let ablations = self.ablations
    guard !ablations.isEmpty else { return [] }
    let rows = ablations.map { a in
      [
        a.removed, a.recipeLabel, "\(a.run.config.seed)",
        Markdown.percent(a.run.report.accuracy), a.full.map { Markdown.percent($0.report.accuracy) } ?? "–",
        a.delta.map(Markdown.points) ?? "–",
      ]
    }
    return [
      "## Ablation", "",
      "Runs of the improved protocol with one ingredient of a recipe removed (the protocol's, or a variant "
        + "of it in brackets), against that recipe's run of the same model, stem and seed (Δ in percentage "
        + "points of test accuracy).", "",
    ]
      + Markdown.table(
        ["ingredient removed", "from", "seed", "accuracy", "full recipe", "Δ"], align: "llrrrr", rows)
      + (ablations.contains(where: \.testedWithoutTTA)
        ? [
          "TTA's row is the full recipe's run itself, tested without TTA (`without_tta` in its metrics.json): "
            + "TTA changes only the test, so a `--no-tta` run would train the same network.", "",
        ] : [])
      + weightDecayFootnote(ablations)
  }

  /// Under AdamW the recipe's decay may shrink the weights by a fraction of a percent over a run:
  /// then a run without it trains nearly the same network, and its Δ says little about decay.
  private func weightDecayFootnote(_ ablations: [Ablation]) -> [String] {
    let figures = ablations.filter { $0.removed == "weight decay" }.compactMap { a -> String? in
      guard let full = a.full, !full.history.epochs.isEmpty else { return nil }
      let stepsPerEpoch = full.history.steps.count / full.history.epochs.count
      guard let kept = DecoupledWeightDecay.retention(of: full.config, stepsPerEpoch: stepsPerEpoch),
        kept > DecoupledWeightDecay.negligibleRetention
      else { return nil }
      return "decay \(full.config.weightDecay) leaves " + String(format: "%.4f", kept)
        + " of it after \((full.config.epochs * stepsPerEpoch).formatted()) steps"
    }
    guard !figures.isEmpty else { return [] }
    return [
      "Weight decay's rows remove almost nothing: AdamW multiplies each weight by (1 − lr·wd) per step, "
        + "so at the recipe's rates, of a weight that no gradient moves, "
        + Array(Set(figures)).sorted().joined(separator: "; ") + ". Their Δ is most likely seed noise.", "",
    ]
  }

  private var variantSection: [String] {
    let variants = self.variants
    guard !variants.isEmpty else { return [] }
    let rows = variants.map { v in
      let n = v.group.runs.count
      return [
        v.group.label, v.group.seeds.map(String.init).joined(separator: ", "),
        Markdown.spreadCell(v.group.spread(\.accuracy), seeds: n),
        v.recipeAccuracy.map(Markdown.percent) ?? "–",
        v.delta.map(Markdown.points) ?? "–", v.addedToNearest ?? "–",
        v.nearestAccuracy.map(Markdown.percent) ?? "–",
        v.nearestDelta.map(Markdown.points) ?? "–", v.ensemble.map { Markdown.percent($0.accuracy) } ?? "–",
      ]
    }
    return [
      "## Variants", "",
      "Groups whose recipe departs from their protocol's other than by removing one ingredient, against the "
        + "protocol's recipe on the same model, stem and seeds: test accuracy (%), Δ the mean over those "
        + "seeds of the difference (percentage points); then against its nearest row, the variant without "
        + "one of its changes (the one named), on the same seeds; and the ensemble of the variant's seeds.",
      "",
    ]
      + Markdown.table(
        [
          "variant", "seeds", "accuracy", "recipe, same seeds", "Δ",
          "nearest row lacks", "nearest, same seeds", "Δ", "ensemble of its seeds",
        ],
        align: "lllrrlrrr", rows)
  }

  private var errorSection: [String] {
    guard let best = bestRun else { return [] }
    var lines = ["## Errors of the best single model", ""]
    let (grid, note) = errorGrid
    if let grid {
      lines += [
        "\(best.label) (test accuracy \(Markdown.percent(best.report.accuracy))) misclassifies \(grid.errors.count) of "
          + "\(best.report.count.formatted()) test images, all of them below: true class → prediction "
          + "(the probability it gave the prediction). Their test-set indices are `best_model_errors` "
          + "in results.json.", "",
        "![Misclassified test images of \(best.label)](errors.png)", "", "SVG: [errors.svg](errors.svg).", "",
      ]
    } else if let note {
      lines += [
        "\(best.label) has the best test accuracy (\(Markdown.percent(best.report.accuracy))); its errors are not drawn: \(note).",
        "",
      ]
    }
    return lines
  }

  private func timeSection(_ groups: [RunGroup]) -> [String] {
    let rows = groups.flatMap(\.runs).map { run in
      let seconds = run.history.epochs.map(\.seconds)
      return [
        run.label, "\(run.epochsRun)", "\(run.report.bestEpoch ?? 0)",
        seconds.map { String(format: "%.0f", $0) }.joined(separator: ", "),
        Markdown.duration(seconds.reduce(0, +)),
      ]
    }
    return ["## Training time", ""]
      + Markdown.table(
        ["run", "epochs run", "best epoch", "seconds per epoch", "total"], align: "lrrlr", rows)
  }

  private func historySection(_ groups: [RunGroup]) -> [String] {
    var lines = ["## Per-epoch history", ""]
    for run in groups.flatMap(\.runs) {
      let rows = run.history.epochs.map { e in
        [
          "\(e.epoch)", String(format: "%.4f", e.trainLoss), String(format: "%.2f%%", e.trainAccuracy * 100),
          e.hasValidation ? String(format: "%.4f", e.validationLoss) : "—",
          e.hasValidation ? String(format: "%.2f%%", e.validationAccuracy * 100) : "—",
          String(format: "%.2e", e.learningRate),
        ]
      }
      lines += ["### \(run.label)", ""]
      lines += Markdown.table(
        ["epoch", "train loss", "train acc", "val loss", "val acc", "lr"], align: "rrrrrr", rows)
    }
    return lines
  }

  /// Per group, the confusion matrices of its seeds added up.
  private func confusionSection(_ groups: [RunGroup]) -> [String] {
    var lines = ["## Confusion matrices (rows: true class, columns: predicted; summed over seeds)", ""]
    for group in groups {
      var m = group.runs[0].report.confusionMatrix
      for run in group.runs.dropFirst() where run.report.confusionMatrix.count == m.count {
        for i in m.indices { for j in m[i].indices { m[i][j] += run.report.confusionMatrix[i][j] } }
      }
      let seeds = group.runs.count == 1 ? "seed \(group.seeds[0])" : "\(group.runs.count) seeds"
      lines += ["### \(group.label), \(seeds)", ""]
      lines += Markdown.table(
        ["true \\ pred"] + m.indices.map(String.init), align: "l" + String(repeating: "r", count: m.count),
        m.enumerated().map { ["**\($0.offset)**"] + $0.element.map(String.init) })
    }
    return lines
  }

  private func settingsSection(_ groups: [RunGroup]) -> [String] {
    var lines = ["## Settings", ""]
    for group in groups {
      let c = group.runs[0].config
      let seeds = group.seeds.map(String.init).joined(separator: ", ")
      lines.append(
        "- \(group.label): `\(c.recipeSummary)`; batch \(c.batchSize), at most \(c.epochs) epochs, "
          + "\(c.validationDescription), \(c.trainLimit.map { "first \($0) training images, " } ?? "")"
          + "seeds \(seeds); \(c.threads) threads; run folders "
          + group.runs.map { "`\($0.folder.path)`" }.joined(separator: ", "))
    }
    lines += provenance.map { "- " + $0 }
    return lines
  }
}

import DigitsModels
import DigitsTraining
import Foundation

extension ExperimentReport {
  /// REPORT.md: the answers first, on a few screens: the paper's question (its protocol against
  /// the published figures, a verdict and the convergence figure), the best recipe of each stem
  /// and the command that trains it, the paper's protocol against the improved recipe, and the
  /// ablations and variants in one table. Everything else is in APPENDIX.md.
  public var markdown: String {
    var lines = ["# \(title) on MNIST", ""]
    lines += [
      "`digits` (Swift, CPU) reproduces the published PyTorch experiment, then improves on it. Test-set "
        + "figures in %; over seeds, the mean ± the sample standard deviation. Every run, ensemble, epoch "
        + "and setting is in [APPENDIX.md](APPENDIX.md).", "",
    ]
    lines += paperSection
    lines += bestRecipeSection
    lines += protocolSection
    lines += comparisonSection
    lines += [
      "## Everything else", "",
      "[APPENDIX.md](APPENDIX.md): the protocols' settings, the data split, every group and every run, the "
        + "ensembles and what they were evaluated from, the stem without max-pool, each ablation run by seed, "
        + "the variants beside their nearest group, the recipes' convergence, the best model's misclassified "
        + "digits, training times, each run's per-epoch history, confusion matrices and run folders.",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// "ResNet34 and ResNet50", from the models of the runs.
  var title: String {
    let names = ResNetArchitecture.allCases.filter { model in runs.contains { $0.config.model == model } }
      .map(\.displayName)
    guard let last = names.last else { return "ResNets" }
    return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
  }

  private var paperSection: [String] {
    let groups = paperGroups
    var lines = ["## The paper's question: ResNet34 or ResNet50?", ""]
    guard !groups.isEmpty else {
      return lines + ["No run of the paper's protocol: the question is not answered here.", ""]
    }
    let metrics: [KeyPath<EvaluationReport, Double>] = [
      \.accuracy, \.macroPrecision, \.macroRecall, \.macroF1,
    ]
    let rows = groups.flatMap { group -> [[String]] in
      let published = Self.published[group.model.rawValue].map {
        ["\(group.model.displayName), published", "–"] + $0.map { String(format: "%.2f", $0) }
      }
      let measured =
        ["\(group.model.displayName), here", "\(group.runs.count)"]
        + metrics.map { Markdown.meanAndStd(group.spread($0), seeds: group.runs.count) }
      return (published.map { [$0] } ?? []) + [measured]
    }
    lines += [
      "The paper's protocol (Adam 1e-3, batch 128, at most 10 epochs, early stopping with patience 3) "
        + "beside the published figures (PyTorch, Tesla P100):", "",
    ]
    lines += Markdown.table(
      ["model", "seeds", "accuracy", "macro precision", "macro recall", "macro F1"], align: "lrllll", rows)
    if let verdict = paperVerdict { lines += [verdict.sentence, ""] }
    lines += [
      "![Convergence under the paper's protocol: training loss and validation accuracy by epoch](convergence.png)",
      "",
      "By epoch, one colour per model: the mean over the seeds (line), the lowest to the highest seed "
        + "(band); the faint loss is per iteration, averaged over a tenth of an epoch. Early stopping ends "
        + "seeds at different epochs: a later epoch is the mean of the seeds that reached it.", "",
    ]
    return lines
  }

  private var bestRecipeSection: [String] {
    let best = bestRecipes
    var lines = ["## The best recipe", ""]
    guard !best.isEmpty else {
      return lines + [
        "No group has run \(Self.bestRecipeSeeds) seeds yet, and with fewer a lucky seed would name the recipe "
          + "(`digits experiment --seeds \(Self.bestRecipeSeeds)` trains that many; the committed results/REPORT.md "
          + "names the best of the project's own sweep).", "",
      ]
    }
    let rows = best.map { group in
      let changes = group.changes.count
      return [
        Self.stemName(group.stem),
        group.runs[0].config.groupLabel(changes: [])
          + (changes == 0 ? "" : " with \(changes) change\(changes == 1 ? "" : "s") (below)"),
        "\(group.runs.count)", Markdown.meanAndStd(group.spread(\.accuracy), seeds: group.runs.count),
        Markdown.errors(group.errors), ensembleCell(of: group),
      ]
    }
    lines += [
      "Per stem, the group of at least \(Self.bestRecipeSeeds) seeds with the highest mean test accuracy, or "
        + "the protocol's own recipe where it trails that group by no more than the larger seed spread; "
        + "misclassified: test images wrong over all its seeds.", "",
    ]
    lines += Markdown.table(
      ["stem", "recipe", "seeds", "accuracy", "misclassified", "ensemble of its seeds"], align: "llrlrr",
      rows)
    lines += ["To train one seed of it (`--seed N` for the others, `--out DIR` for the run folder):", ""]
    lines += best.map { "- \(Self.stemName($0.stem)): `\($0.runs[0].config.trainCommand)`" } + [""]
    for choice in bestRecipeChoices {
      guard let lead = choice.withinSpread else { continue }
      let (leading, recipe) = (lead.spread(\.accuracy), choice.group.spread(\.accuracy))
      lines += [
        "On \(choice.group.stem == .standard ? "torchvision's stem" : "the stem without max-pool"), "
          + "\(lead.label) reads \(Markdown.meanAndStd(leading, seeds: lead.runs.count)) over "
          + "\(lead.runs.count) seeds, \(Markdown.percent(leading.mean - recipe.mean)) points above the recipe's "
          + "\(Markdown.meanAndStd(recipe, seeds: choice.group.runs.count)) over \(choice.group.runs.count), "
          + "within the larger seed spread (± \(Markdown.percent(max(leading.std, recipe.std)))): too little "
          + "to change the recipe for (`\(lead.runs[0].config.trainCommand)` trains it).", "",
      ]
    }
    return lines
  }

  /// "torchvision's" or "without max-pool".
  private static func stemName(_ stem: ResNetStem) -> String {
    stem == .standard ? "torchvision's" : "without max-pool"
  }

  /// Per model of the paper's protocol, its improved recipe on the same stem beside it.
  private var protocolSection: [String] {
    let pairs = paperGroups.compactMap { paper -> (RunGroup, RunGroup)? in
      groups.first {
        $0.trainingProtocol == .improved && $0.model == paper.model && $0.stem == paper.stem
          && $0.changes.isEmpty
      }.map { (paper, $0) }
    }
    guard let improved = pairs.first?.1 else { return [] }
    let rows = pairs.map { paper, improved in
      [
        paper.model.displayName, cell(paper), cell(improved),
        Markdown.points(improved.spread(\.accuracy).mean - paper.spread(\.accuracy).mean),
        errorsPerRun(paper) + " → " + errorsPerRun(improved),
      ]
    }
    return [
      "## The paper's protocol against the improved recipe", "",
      "The improved recipe on the stem these rows use (the recipe without max-pool is the best recipe's, above): "
        + "`\(improved.runs[0].config.protocolRecipe.recipeSummary)`.", "",
    ]
      + Markdown.table(
        ["model", "paper's protocol", "improved recipe", "difference (points)", "test errors per run"],
        align: "lllrr", rows)
  }

  /// "98.97 ± 0.13 (3 seeds)".
  private func cell(_ group: RunGroup) -> String {
    let seeds = group.runs.count
    return Markdown.meanAndStd(group.spread(\.accuracy), seeds: seeds)
      + " (\(seeds) seed\(seeds == 1 ? "" : "s"))"
  }

  /// The mean misclassified test images per run, "103".
  private func errorsPerRun(_ group: RunGroup) -> String {
    String(format: "%.0f", Double(group.errors.misclassified) / Double(group.runs.count))
  }

  private var comparisonSection: [String] {
    let rows = comparisons
    guard !rows.isEmpty else { return [] }
    func against(_ row: Comparison) -> String {
      if row.against == row.network { return "recipe" }
      return rows.first { $0.groupLabel == row.against }?.id ?? row.against
    }
    return [
      "## Ablations and variants", "",
      "Each row changes a recipe: it removes one ingredient, or departs from the protocol's recipe otherwise "
        + "(the legend below says how). Δ: the row's test accuracy minus that of the recipe it is measured "
        + "against, on the same seeds, averaged over them, in points; against: the network's own recipe under "
        + "its protocol, or another row. Largest gain first; weigh each Δ against the seed spreads.", "",
    ]
      + Markdown.table(
        ["id", "network", "seeds", "accuracy", "Δ", "against"], align: "llrlrl",
        rows.map {
          [
            $0.id, $0.network, "\($0.seeds.count)", Markdown.meanAndStd($0.accuracy, seeds: $0.seeds.count),
            $0.delta.map(Markdown.points) ?? "–", against($0),
          ]
        })
      + rows.map { "- \($0.id): \($0.description)" } + [""]
  }
}

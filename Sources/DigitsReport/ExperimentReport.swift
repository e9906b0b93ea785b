import DigitsData
import DigitsKernels
import DigitsTraining
import Foundation

/// REPORT.md, APPENDIX.md, results.json and the figures (convergence.svg,
/// convergence-recipes.svg, errors.svg) for a set of finished runs: grouped by protocol, model,
/// stem and recipe, aggregated over seeds, with ensembles of the seeds and of every model of a
/// protocol, the stem and ablation comparisons and the best single model's misclassified test
/// images.
///
///     var report = ExperimentReport(runs: runs, testSet: mnist.test, pngEncoder: { ImageEncoder.png($0, width: $1, height: $2) })
///     try report.evaluateEnsembles(earlier: ExperimentReport.earlierEnsembles(in: "report"))
///     try report.write(to: "report")
public struct ExperimentReport {
  /// The published results (PyTorch on a Tesla P100): accuracy, macro P, R, F1 in percent.
  public static let published: [String: [Double]] = [
    "resnet34": [98.42, 98.44, 98.37, 98.39],
    "resnet50": [98.94, 98.93, 98.93, 98.93],
  ]

  public var runs: [RunSummary]
  /// Extra lines for the settings section (e.g. the command that produced the runs).
  public var provenance: [String]
  /// The test set the runs were measured on, in its order (metrics.json's indices point into
  /// it). Ensembles are evaluated on it and the best model's errors drawn from it; without it,
  /// neither.
  public var testSet: LabeledImages?
  /// Encodes the error grid's tiles as PNG (DigitsImaging's `ImageEncoder.png`); nil: no grid.
  public var pngEncoder: ((_ pixels: [UInt8], _ width: Int, _ height: Int) -> [UInt8])?
  /// Workers for evaluating ensembles.
  public var threads: Int
  /// The ensembles' test-set metrics: what `evaluateEnsembles` found.
  public var ensembles: [EnsembleResult] = []
  /// Why an ensemble is missing, or where one came from when it was not evaluated now.
  public var ensembleNotes: [String] = []

  public init(
    runs: [RunSummary], provenance: [String] = [], testSet: LabeledImages? = nil,
    pngEncoder: ((_ pixels: [UInt8], _ width: Int, _ height: Int) -> [UInt8])? = nil,
    threads: Int = Workers.available
  ) {
    self.runs = runs
    self.provenance = provenance
    self.testSet = testSet
    self.pngEncoder = pngEncoder
    self.threads = threads
  }

  public var groups: [RunGroup] { RunGroup.grouping(runs) }

  /// The run with the highest test accuracy (the first of equals).
  public var bestRun: RunSummary? {
    var best: RunSummary?
    for run in runs where run.report.accuracy > best?.report.accuracy ?? -1 { best = run }
    return best
  }

  /// The best run's misclassified test images as a grid, or a sentence saying why there is none
  /// (nil, nil: no runs).
  public var errorGrid: (grid: ErrorGrid?, note: String?) {
    guard let best = bestRun else { return (nil, nil) }
    guard let errors = best.report.misclassified else {
      return (
        nil, "its metrics.json does not list the misclassified images (written before `digits` kept them)"
      )
    }
    guard let testSet else { return (nil, "the report was not given the test set") }
    guard let pngEncoder else { return (nil, "the report was not given a PNG encoder") }
    if let mismatch = ErrorGrid.mismatch(errors, images: testSet) {
      return (nil, "the test set given is not the one it was measured on (\(mismatch))")
    }
    let title =
      "\(best.label): \(errors.count) of \(testSet.count.formatted()) test images misclassified "
      + "(true → predicted, confidence)"
    return (ErrorGrid(title: title, images: testSet, errors: errors, pngEncoder: pngEncoder), nil)
  }

  /// A run of the improved protocol without one ingredient of a recipe (the protocol's, or the
  /// protocol's with other changes: `base`), beside that recipe's run of the same model, stem and
  /// seed (always there for a recipe with changes; when there is one for the protocol's own).
  /// A run with several removals stands beside the recipe, among those that have a run, with the
  /// most seeds.
  public struct Ablation {
    public var run: RunSummary
    public var removed: String
    public var base: [TrainingConfig.RecipeChange] = []
    public var full: RunSummary?
    /// The full recipe's own run tested without TTA (metrics.json's `without_tta`), standing for
    /// a `--no-tta` run: its training would be the same.
    public var testedWithoutTTA = false

    /// Test accuracy minus the full recipe's (a fraction, as the accuracies are).
    public var delta: Double? { full.map { run.report.accuracy - $0.report.accuracy } }
    /// The group label of the recipe the ingredient was removed from: "improved resnet34",
    /// "improved resnet34 (schedule onecycle)".
    public var recipeLabel: String { run.config.groupLabel(changes: base) }
  }

  public var ablations: [Ablation] {
    let seedsPerGroup = Dictionary(runs.map { ($0.groupLabel, 1) }, uniquingKeysWith: +)
    let ablations = runs.compactMap { run -> Ablation? in
      let c = run.config
      guard c.trainingProtocol == .improved else { return nil }
      let candidates = c.removals.compactMap { removed, base -> Ablation? in
        let full = runs.first {
          $0.config.trainingProtocol == .improved && $0.config.recipeChanges == base
            && $0.config.model == c.model && $0.config.stem == c.stem && $0.config.seed == c.seed
        }
        guard full != nil || (base.isEmpty && c.removals.count == 1) else { return nil }
        return Ablation(run: run, removed: removed, base: base, full: full)
      }
      return candidates.max { (seedsPerGroup[$0.recipeLabel] ?? 0) < (seedsPerGroup[$1.recipeLabel] ?? 0) }
    }
    let bases = Set(ablations.compactMap { $0.full?.label })
    let withoutTTA = runs.compactMap { full -> Ablation? in
      let c = full.config
      let base = c.recipeChanges
      guard c.trainingProtocol == .improved, bases.contains(full.label), c.tta,
        let plain = full.report.withoutTTA,
        !ablations.contains(where: {
          $0.removed == "TTA" && $0.base == base && $0.run.config.model == c.model
            && $0.run.config.stem == c.stem && $0.run.config.seed == c.seed
        })
      else { return nil }
      var run = full
      run.config.tta = false
      (run.report.accuracy, run.report.macroPrecision, run.report.macroRecall, run.report.macroF1) = (
        plain.accuracy, plain.macroPrecision, plain.macroRecall, plain.macroF1
      )
      return Ablation(run: run, removed: "TTA", base: base, full: full, testedWithoutTTA: true)
    }
    return (ablations + withoutTTA).sorted {
      ($0.recipeLabel, $0.removed, $0.run.config.seed) < ($1.recipeLabel, $1.removed, $1.run.config.seed)
    }
  }

  /// The labels of the groups whose runs are ablations (not the full runs tested without TTA).
  var ablationGroupLabels: Set<String> {
    Set(ablations.filter { !$0.testedWithoutTTA }.map(\.run.groupLabel))
  }

  /// Each group of runs without max-pool in the stem, beside the groups with torchvision's stem
  /// under the same protocol and recipe: the same model first, then the paper's networks.
  public var stemComparisons: [(nomaxpool: RunGroup, standard: [RunGroup])] {
    let groups = self.groups
    return groups.filter { $0.stem == .nomaxpool }.map { group in
      let standard = groups.filter {
        $0.stem == .standard && $0.trainingProtocol == group.trainingProtocol && $0.changes == group.changes
      }
      return (
        group, standard.filter { $0.model == group.model } + standard.filter { $0.model != group.model }
      )
    }
  }

  /// Writes REPORT.md, APPENDIX.md, results.json, the convergence figures and, when the best
  /// model's errors can be drawn, errors.svg into `directory` (a figure not drawn this time is
  /// removed with its PNG, so none is left stale). Returns the SVGs written: REPORT.md and
  /// APPENDIX.md show their PNGs, which a caller renders (`digits` runs rsvg-convert).
  @discardableResult
  public func write(to directory: String) throws -> [String] {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let folder = RunFolder(directory)
    var figures = convergenceFigures.map { ($0.name, ConvergenceChart(groups: $0.groups).svg) }
    if let grid = errorGrid.grid { figures.append(("errors", grid.svg)) }
    for (name, svg) in figures { try writeAtomically(svg, to: folder.file(name + ".svg")) }
    let drawn = Set(figures.map(\.0))
    for name in Self.figureNames where !drawn.contains(name) {
      for file in [name + ".svg", name + ".png"] {
        try? FileManager.default.removeItem(atPath: folder.file(file))
      }
    }
    try writeAtomically(resultsJSON, to: folder.file("results.json"))
    try writeAtomically(appendix, to: folder.file("APPENDIX.md"))
    try writeAtomically(markdown, to: folder.file("REPORT.md"))
    return figures.map { $0.0 + ".svg" }
  }

  /// Every figure the report may draw, without its extension.
  static let figureNames = ["convergence", "convergence-recipes", "errors"]

  /// The convergence figures: `convergence`, the paper's question (its protocol's groups), and
  /// `convergence-recipes`, each other protocol's own recipe and the best recipe of each stem.
  /// Without runs of the paper's protocol, `convergence` draws the recipes (and without those,
  /// every group), and there is no second figure.
  public var convergenceFigures: [(name: String, groups: [RunGroup])] {
    let paper = paperGroups
    let best = Set(bestRecipes.map(\.label))
    let recipes = groups.filter {
      !paper.map(\.label).contains($0.label)
        && (($0.trainingProtocol != .paper && $0.changes.isEmpty) || best.contains($0.label))
    }
    if paper.isEmpty { return [("convergence", recipes.isEmpty ? groups : recipes)] }
    return [("convergence", paper)] + (recipes.isEmpty ? [] : [("convergence-recipes", recipes)])
  }
}

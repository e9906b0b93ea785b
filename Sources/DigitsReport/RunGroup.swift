import DigitsModels
import DigitsTraining

/// Mean, standard deviation, minimum and maximum of one figure over the seeds of a group.
public struct Spread: Codable, Equatable, Sendable {
  public var mean: Double
  /// The sample standard deviation (n − 1 in the denominator); 0 for a single value.
  public var std: Double
  public var min: Double
  public var max: Double

  public init(_ values: [Double]) {
    precondition(!values.isEmpty, "a spread needs at least one value")
    let count = Double(values.count)
    let mean = values.reduce(0, +) / count
    self.mean = mean
    let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    std = values.count > 1 ? (squares / (count - 1)).squareRoot() : 0
    min = values.min()!
    max = values.max()!
  }
}

/// The runs of one protocol, model, stem and recipe (the same settings but for the seed), which
/// the report aggregates over their seeds.
public struct RunGroup {
  public var trainingProtocol: TrainingProtocol
  public var model: ResNetArchitecture
  public var stem: ResNetStem
  /// How the group's recipe departs from its protocol's (empty for the protocol's recipe).
  public var changes: [TrainingConfig.RecipeChange]
  /// Sorted by seed.
  public var runs: [RunSummary]

  /// "paper resnet34", "improved resnet50 nomaxpool", "improved resnet50 (no augmentation)".
  public var label: String { runs[0].groupLabel }
  public var seeds: [UInt64] { runs.map(\.config.seed) }

  /// One test-set figure (accuracy, macro precision, ...) over the seeds.
  public func spread(_ metric: KeyPath<EvaluationReport, Double>) -> Spread {
    Spread(runs.map { $0.report[keyPath: metric] })
  }

  /// Test images misclassified and tested, summed over the seeds.
  public var errors: (misclassified: Int, tested: Int) {
    runs.reduce((0, 0)) { ($0.0 + $1.report.errorCount, $0.1 + $1.report.count) }
  }

  public var epochsRun: Spread { Spread(runs.map { Double($0.epochsRun) }) }
  /// Each run's mean seconds per epoch, over the seeds.
  public var secondsPerEpoch: Spread { Spread(runs.map(\.secondsPerEpoch)) }
  /// Training FLOPs per image of the group's network (machine-independent, unlike its seconds).
  public var trainingFLOPsPerImage: Double { Benchmark.trainingFLOPsPerImage(model, stem: stem) }

  /// The runs grouped, in a fixed order: protocol (paper, improved), model (by depth), stem
  /// (standard first), the protocol's recipe before departures from it.
  public static func grouping(_ runs: [RunSummary]) -> [RunGroup] {
    var groups: [RunGroup] = []
    for run in runs {
      if let index = groups.firstIndex(where: { $0.label == run.groupLabel }) {
        groups[index].runs.append(run)
      } else {
        let c = run.config
        groups.append(
          RunGroup(
            trainingProtocol: c.trainingProtocol, model: c.model, stem: c.stem, changes: c.recipeChanges,
            runs: [run]))
      }
    }
    for index in groups.indices { groups[index].runs.sort { $0.config.seed < $1.config.seed } }
    func rank(_ group: RunGroup) -> [Int] {
      [
        TrainingProtocol.allCases.firstIndex(of: group.trainingProtocol)!,
        ResNetArchitecture.allCases.firstIndex(of: group.model)!,
        ResNetStem.allCases.firstIndex(of: group.stem)!, group.changes.isEmpty ? 0 : 1,
      ]
    }
    return groups.enumerated().sorted { a, b in
      let (left, right) = (rank(a.element), rank(b.element))
      return left == right ? a.offset < b.offset : left.lexicographicallyPrecedes(right)
    }.map(\.element)
  }
}

extension TrainingConfig {
  /// The label of a run's group: protocol, model, the stem when not torchvision's, and the
  /// recipe's departures from the protocol in brackets ("improved resnet50 (no augmentation)").
  public var groupLabel: String { groupLabel(changes: recipeChanges) }

  /// The label of the group of this protocol, model and stem with the recipe changes given.
  public func groupLabel(changes: [RecipeChange]) -> String {
    var label = "\(trainingProtocol.rawValue) \(model.rawValue)"
    if stem != .standard { label += " \(stem.rawValue)" }
    if !changes.isEmpty { label += " (" + changes.map(\.description).joined(separator: ", ") + ")" }
    return label
  }

  /// "paper resnet34 seed 0": how the report and its ensembles name a run.
  public var runLabel: String { "\(groupLabel) seed \(seed)" }
}

extension RunSummary {
  public var groupLabel: String { config.groupLabel }

  /// "paper resnet34 seed 0": how the report and its ensembles name the run.
  public var label: String { config.runLabel }

  public var epochsRun: Int { report.epochsRun ?? history.epochs.count }

  public var trainSeconds: Double { report.trainSeconds ?? history.epochs.map(\.seconds).reduce(0, +) }

  /// The mean of history.csv's seconds column.
  public var secondsPerEpoch: Double {
    history.epochs.isEmpty ? 0 : history.epochs.map(\.seconds).reduce(0, +) / Double(history.epochs.count)
  }
}

import DigitsTraining

extension ExperimentReport {
  /// A group whose recipe departs from its protocol's other than by removing one ingredient (an
  /// alternative setting or an addition: "batch 64", "elastic 34.0"), beside its
  /// protocol's recipe on the same model, stem and seeds, and beside its nearest group: the one
  /// with all its changes but one, so a variant built on another is measured against that one.
  public struct Variant {
    public var group: RunGroup
    /// The protocol's recipe runs of the group's model and stem on the seeds the group has too.
    public var recipe: [RunSummary]
    /// The group of the same protocol, model and stem whose changes are this group's but one
    /// (the one with the most seeds in common); nil for a single change, whose nearest is the
    /// recipe, or when no such group ran.
    public var nearest: RunGroup?
    /// The ensemble of the group's seeds, when the report has it.
    public var ensemble: EnsembleResult?

    /// The mean test accuracy of `recipe`; nil when it is empty.
    public var recipeAccuracy: Double? { Self.meanAccuracy(recipe) }

    /// The mean over the shared seeds of the variant's test accuracy minus the recipe's (a
    /// fraction); nil without shared seeds.
    public var delta: Double? { pairedDelta(against: recipe) }

    /// `nearest`'s runs on the seeds the group has too.
    public var nearestRuns: [RunSummary] {
      let seeds = Set(group.seeds)
      return nearest?.runs.filter { seeds.contains($0.config.seed) } ?? []
    }

    /// The mean test accuracy of `nearestRuns`; nil when there are none.
    public var nearestAccuracy: Double? { Self.meanAccuracy(nearestRuns) }

    /// The mean over the shared seeds of the variant's test accuracy minus the nearest group's.
    public var nearestDelta: Double? { pairedDelta(against: nearestRuns) }

    /// The change the variant has and its nearest group lacks ("zero-init residual").
    public var addedToNearest: String? {
      guard let nearest else { return nil }
      let theirs = Set(nearest.changes.map(\.description))
      return group.changes.map(\.description).first { !theirs.contains($0) }
    }

    private static func meanAccuracy(_ runs: [RunSummary]) -> Double? {
      runs.isEmpty ? nil : Spread(runs.map(\.report.accuracy)).mean
    }

    private func pairedDelta(against base: [RunSummary]) -> Double? {
      let differences = base.compactMap { other in
        group.runs.first { $0.config.seed == other.config.seed }.map {
          $0.report.accuracy - other.report.accuracy
        }
      }
      return differences.isEmpty ? nil : differences.reduce(0, +) / Double(differences.count)
    }
  }

  public var variants: [Variant] {
    let ablated = ablationGroupLabels
    let groups = self.groups
    return groups.filter { !$0.changes.isEmpty && !ablated.contains($0.label) }.map { group in
      let recipe = runs.filter {
        let c = $0.config
        return c.trainingProtocol == group.trainingProtocol && c.recipeChanges.isEmpty
          && c.model == group.model
          && c.stem == group.stem && group.seeds.contains(c.seed)
      }.sorted { $0.config.seed < $1.config.seed }
      return Variant(
        group: group, recipe: recipe, nearest: Self.nearest(to: group, among: groups),
        ensemble: ensemble(of: group))
    }
  }

  /// The group with all of `group`'s changes but one, on the same protocol, model and stem, with
  /// the most seeds in common (the first of equals).
  private static func nearest(to group: RunGroup, among groups: [RunGroup]) -> RunGroup? {
    let changes = group.changes.map(\.description)
    guard changes.count > 1 else { return nil }
    let seeds = Set(group.seeds)
    var best: (group: RunGroup, shared: Int)?
    for other in groups
    where other.trainingProtocol == group.trainingProtocol && other.model == group.model
      && other.stem == group.stem && other.changes.count == changes.count - 1
      && other.changes.allSatisfy({ changes.contains($0.description) })
    {
      let shared = other.seeds.filter(seeds.contains).count
      if shared > 0 && shared > best?.shared ?? 0 { best = (other, shared) }
    }
    return best?.group
  }
}

import DigitsModels
import DigitsTraining

extension ExperimentReport {
  /// Seeds a group needs before it can be the best recipe: with fewer, a lucky seed wins.
  public static let bestRecipeSeeds = 3

  /// A stem's best recipe, and the group with the higher mean it was preferred to, if any.
  public struct BestRecipe {
    public var group: RunGroup
    /// A group with changes to the protocol's recipe whose mean is higher than `group`'s by no
    /// more than the larger seed spread of the two: too little to change the recipe for.
    public var withinSpread: RunGroup?
  }

  /// Per stem (torchvision's first), the group of at least `bestRecipeSeeds` seeds with the highest
  /// mean test accuracy (the first of equals), unless the protocol's own recipe on that stem (its
  /// best group without changes, of as many seeds) trails it by no more than the larger of their
  /// two standard deviations: then the seeds do not separate them, and the recipe as it is stays
  /// the answer. A stem without such a group has none.
  public var bestRecipeChoices: [BestRecipe] {
    let groups = self.groups.filter { $0.runs.count >= Self.bestRecipeSeeds }
    func highest(_ candidates: [RunGroup]) -> RunGroup? {
      candidates.reduce(nil) { best, group in
        group.spread(\.accuracy).mean > best?.spread(\.accuracy).mean ?? -1 ? group : best
      }
    }
    return ResNetStem.allCases.compactMap { stem in
      let candidates = groups.filter { $0.stem == stem }
      guard let top = highest(candidates) else { return nil }
      guard let own = highest(candidates.filter { $0.trainingProtocol != .paper && $0.changes.isEmpty }),
        own.label != top.label
      else { return BestRecipe(group: top) }
      let (lead, recipe) = (top.spread(\.accuracy), own.spread(\.accuracy))
      return lead.mean - recipe.mean <= max(lead.std, recipe.std)
        ? BestRecipe(group: own, withinSpread: top) : BestRecipe(group: top)
    }
  }

  /// Each stem's best recipe (`bestRecipeChoices`).
  public var bestRecipes: [RunGroup] { bestRecipeChoices.map(\.group) }

  /// The best-recipe table's ensemble cell: the ensemble of `group`'s seeds, or where the report
  /// has none (their checkpoints are gone), of the most of them one has, "99.60 (3 of 5 seeds)",
  /// with the test views the group's runs are tested with (a run label names a protocol's recipe,
  /// which an earlier report's ensemble may predate: different views give it away).
  func ensembleCell(of group: RunGroup) -> String {
    if let whole = ensemble(of: group) { return Markdown.percent(whole.accuracy) }
    let members = Set(group.runs.map(\.label))
    let config = group.runs[0].config
    let part = ensembles.filter {
      $0.members.count >= 2 && Set($0.members).isSubset(of: members)
        && ($0.tta, $0.ttaRotation, $0.ttaScale) == (
          config.tta, config.tta ? config.ttaRotation : 0, config.tta ? config.ttaScale : 1
        )
    }
    .max { $0.members.count < $1.members.count }
    guard let part else { return "–" }
    return Markdown.percent(part.accuracy) + " (\(part.members.count) of \(members.count) seeds)"
  }

  /// The report's ensemble of exactly `group`'s seeds, when it has one.
  func ensemble(of group: RunGroup) -> EnsembleResult? {
    let members = Set(group.runs.map(\.label))
    return ensembles.first { Set($0.members) == members }
  }
}

import DigitsModels
import DigitsTraining

extension ExperimentReport {
  /// Seeds a group needs before it can be the best recipe: with fewer, a lucky seed wins.
  public static let bestRecipeSeeds = 3

  /// Per stem (torchvision's first), the group of at least `bestRecipeSeeds` seeds with the highest
  /// mean test accuracy (the first of equals); a stem without such a group has none.
  public var bestRecipes: [RunGroup] {
    let groups = self.groups.filter { $0.runs.count >= Self.bestRecipeSeeds }
    return ResNetStem.allCases.compactMap { stem in
      var best: RunGroup?
      for group in groups
      where group.stem == stem && group.spread(\.accuracy).mean > best?.spread(\.accuracy).mean ?? -1 {
        best = group
      }
      return best
    }
  }

  /// The report's ensemble of exactly `group`'s seeds, when it has one.
  func ensemble(of group: RunGroup) -> EnsembleResult? {
    let members = Set(group.runs.map(\.label))
    return ensembles.first { Set($0.members) == members }
  }
}

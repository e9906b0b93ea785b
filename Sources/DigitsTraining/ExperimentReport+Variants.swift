extension ExperimentReport {
  /// A group whose recipe departs from its protocol's other than by removing one ingredient (an
  /// alternative setting or an addition: "batch 64", "elastic 34.0"), beside its
  /// protocol's recipe on the same model, stem and seeds.
  public struct Variant {
    public var group: RunGroup
    /// The protocol's recipe runs of the group's model and stem on the seeds the group has too.
    public var recipe: [RunSummary]
    /// The ensemble of the group's seeds, when the report has it.
    public var ensemble: EnsembleResult?

    /// The mean test accuracy of `recipe`; nil when it is empty.
    public var recipeAccuracy: Double? {
      recipe.isEmpty ? nil : Spread(recipe.map(\.report.accuracy)).mean
    }

    /// The mean over the shared seeds of the variant's test accuracy minus the recipe's (a
    /// fraction); nil without shared seeds.
    public var delta: Double? {
      let differences = recipe.compactMap { base in
        group.runs.first { $0.config.seed == base.config.seed }.map {
          $0.report.accuracy - base.report.accuracy
        }
      }
      return differences.isEmpty ? nil : differences.reduce(0, +) / Double(differences.count)
    }
  }

  public var variants: [Variant] {
    let ablated = ablationGroupLabels
    return groups.filter { !$0.changes.isEmpty && !ablated.contains($0.label) }.map { group in
      let recipe = runs.filter {
        let c = $0.config
        return c.trainingProtocol == group.trainingProtocol && c.recipeChanges.isEmpty
          && c.model == group.model
          && c.stem == group.stem && group.seeds.contains(c.seed)
      }.sorted { $0.config.seed < $1.config.seed }
      let members = Set(group.runs.map(\.label))
      return Variant(group: group, recipe: recipe, ensemble: ensembles.first { Set($0.members) == members })
    }
  }
}

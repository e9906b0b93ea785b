import DigitsTraining

extension ExperimentReport {
  /// One row of REPORT.md's table of ablations and variants: runs that change a recipe (remove
  /// an ingredient, or depart from it otherwise), over their seeds, against that recipe.
  public struct Comparison {
    /// "V1", "V2", ... in the table's order.
    public var id: String
    /// The protocol, model and stem: "improved resnet34", "improved resnet18 nomaxpool".
    public var network: String
    /// The group label of the recipe the rows measure against: the protocol's recipe for a
    /// variant, the recipe an ingredient was removed from for an ablation.
    public var against: String
    /// What the row changes, after `against`: "without EMA", "with batch 64, zero-init residual",
    /// "tested without TTA".
    public var change: String
    public var seeds: [UInt64]
    public var accuracy: Spread
    /// The mean over the seeds that have a run of `against` of the test-accuracy difference to it
    /// (a fraction); nil when none has.
    public var delta: Double?
    /// The label of the group whose runs the row is, so another row can be measured against it.
    var groupLabel: String

    /// The legend's line: "improved resnet34 (no elastic distortion) without EMA".
    public var description: String { "\(against) \(change)" }
  }

  /// The ablations (their seeds together) and the variants, the largest gain over their recipe
  /// first, rows without a recipe to compare with last.
  public var comparisons: [Comparison] {
    var removals: [(key: String, members: [Ablation])] = []
    for ablation in ablations {
      let key = "\(ablation.recipeLabel) \(ablation.removed) \(ablation.testedWithoutTTA)"
      if let index = removals.firstIndex(where: { $0.key == key }) {
        removals[index].members.append(ablation)
      } else {
        removals.append((key, [ablation]))
      }
    }
    var rows = removals.map { _, members in
      let first = members[0]
      let deltas = members.compactMap(\.delta)
      return Comparison(
        id: "", network: first.run.config.groupLabel(changes: []), against: first.recipeLabel,
        change: first.testedWithoutTTA ? "tested without TTA" : "without \(first.removed)",
        seeds: members.map(\.run.config.seed), accuracy: Spread(members.map(\.run.report.accuracy)),
        delta: deltas.isEmpty ? nil : deltas.reduce(0, +) / Double(deltas.count),
        groupLabel: first.run.groupLabel)
    }
    for variant in variants {
      let group = variant.group
      let network = group.runs[0].config.groupLabel(changes: [])
      rows.append(
        Comparison(
          id: "", network: network, against: network,
          change: "with " + group.changes.map(\.description).joined(separator: ", "), seeds: group.seeds,
          accuracy: group.spread(\.accuracy), delta: variant.delta, groupLabel: group.label))
    }
    let sorted = rows.enumerated().sorted { a, b in
      switch (a.element.delta, b.element.delta) {
      case let (left?, right?) where left != right: return left > right
      case (.some, nil): return true
      case (nil, .some): return false
      default: return a.offset < b.offset
      }
    }.map(\.element)
    return sorted.enumerated().map { index, row in
      var row = row
      row.id = "V\(index + 1)"
      return row
    }
  }
}

import DigitsModels
import DigitsTraining

extension ExperimentReport {
  /// The groups that answer the paper's question: its protocol as published (torchvision's stem,
  /// no departures), one per model.
  public var paperGroups: [RunGroup] {
    groups.filter { $0.trainingProtocol == .paper && $0.stem == .standard && $0.changes.isEmpty }
  }

  /// The verdict on the two published models under the paper's protocol; nil unless both ran.
  public var paperVerdict: ModelVerdict? {
    let entries = Self.published.keys.sorted().compactMap { name -> ModelVerdict.Entry? in
      guard let group = paperGroups.first(where: { $0.model.rawValue == name }) else { return nil }
      return ModelVerdict.Entry(
        name: group.model.displayName, accuracy: group.spread(\.accuracy), seeds: group.runs.count,
        published: Self.published[name]?[0])
    }
    guard entries.count == 2 else { return nil }
    return ModelVerdict(entries[0], entries[1])
  }
}

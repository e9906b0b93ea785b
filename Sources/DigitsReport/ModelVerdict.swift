import Foundation

/// The paper's question answered in one sentence from the runs: which of two models has the
/// higher mean test accuracy under a protocol, by how much against the seeds' spread, and whether
/// that is the order the paper published.
public struct ModelVerdict {
  public struct Entry {
    /// "ResNet34".
    public var name: String
    /// Test accuracy over the seeds (fractions).
    public var accuracy: Spread
    public var seeds: Int
    /// The published test accuracy in percent, when there is one.
    public var published: Double?

    public init(name: String, accuracy: Spread, seeds: Int, published: Double? = nil) {
      self.name = name
      self.accuracy = accuracy
      self.seeds = seeds
      self.published = published
    }
  }

  public var first: Entry
  public var second: Entry
  /// "Under the paper's protocol".
  public var setting: String

  public init(_ first: Entry, _ second: Entry, setting: String = "Under the paper's protocol") {
    self.first = first
    self.second = second
    self.setting = setting
  }

  public var sentence: String {
    let (leader, other) = first.accuracy.mean >= second.accuracy.mean ? (first, second) : (second, first)
    let gap = (leader.accuracy.mean - other.accuracy.mean) * 100
    let spread = max(leader.accuracy.std, other.accuracy.std) * 100
    if String(format: "%.2f", gap) == "0.00" {
      return "\(setting) \(cell(first)) and \(cell(second)) have the same mean test accuracy"
        + published(leader, other, decided: false) + "."
    }
    let lead = "\(setting) \(cell(leader)) beats \(cell(other)) by " + String(format: "%.2f", gap) + " points"
    if min(leader.seeds, other.seeds) < 2 {
      return lead + ", but with one seed of "
        + (leader.seeds < 2 && other.seeds < 2 ? "each" : leader.seeds < 2 ? leader.name : other.name)
        + " there is no seed spread to weigh that against" + published(leader, other, decided: false) + "."
    }
    let spreadText = String(format: "%.2f", spread)
    if gap > spread {
      return lead
        + String(format: ", about %.1f times the larger seed spread (± %@)", gap / spread, spreadText)
        + published(leader, other, decided: true) + "."
    }
    return "\(setting) \(cell(leader)) and \(cell(other)) differ by only " + String(format: "%.2f", gap)
      + " points, within the larger seed spread (± \(spreadText)): the seeds do not separate them"
      + published(leader, other, decided: false) + "."
  }

  /// "ResNet34 (98.97 ± 0.13)".
  private func cell(_ entry: Entry) -> String {
    "\(entry.name) (\(Markdown.meanAndStd(entry.accuracy, seeds: entry.seeds)))"
  }

  /// How the result stands to the published order: the same or the reverse when `decided`,
  /// otherwise what the paper reported.
  private func published(_ leader: Entry, _ other: Entry, decided: Bool) -> String {
    guard let ahead = leader.published, let behind = other.published else { return "" }
    let figures = String(format: "%@ %.2f, %@ %.2f", leader.name, ahead, other.name, behind)
    if ahead == behind { return "; the paper published the same accuracy for both (\(figures))" }
    let order =
      ahead > behind
      ? figures : String(format: "%@ %.2f, %@ %.2f", other.name, behind, leader.name, ahead)
    guard decided else {
      return "; the paper published \(ahead > behind ? leader.name : other.name) ahead (\(order))"
    }
    return ahead > behind
      ? ", the order the paper published (\(order))" : " — the reverse of the published order (\(order))"
  }
}

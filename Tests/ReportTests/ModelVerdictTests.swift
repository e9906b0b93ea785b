import DigitsReport
import Testing

/// The sentence that answers the paper's question, in each case it can meet: a difference beyond
/// the seeds' spread in the published order or against it, one within the spread, a single seed,
/// a tie.
@Suite struct ModelVerdictTests {
  static func entry(_ name: String, _ accuracies: [Double], published: Double? = nil) -> ModelVerdict.Entry {
    ModelVerdict.Entry(
      name: name, accuracy: Spread(accuracies), seeds: accuracies.count, published: published)
  }

  /// This project's paper-protocol seeds: ResNet34 98.97 ± 0.13, ResNet50 98.69 ± 0.24.
  static let resnet34 = entry("ResNet34", [0.9909, 0.9898, 0.9884], published: 98.42)
  static let resnet50 = entry("ResNet50", [0.9853, 0.9896, 0.9858], published: 98.94)

  @Test func aLeadBeyondTheSpreadAgainstThePublishedOrderSaysSo() {
    // 98.97 - 98.69 = 0.28 points; the larger spread is ResNet50's 0.237: 1.18 times it.
    #expect(
      ModelVerdict(Self.resnet34, Self.resnet50).sentence
        == "Under the paper's protocol ResNet34 (98.97 ± 0.13) beats ResNet50 (98.69 ± 0.24) by 0.28 points, "
        + "about 1.2 times the larger seed spread (± 0.24) — the reverse of the published order "
        + "(ResNet50 98.94, ResNet34 98.42).")
    #expect(
      ModelVerdict(Self.resnet50, Self.resnet34).sentence
        == ModelVerdict(Self.resnet34, Self.resnet50).sentence,
      "the order the entries are given in does not matter")
  }

  /// ResNet50's seeds and published figure beside `resnet34`, and the sentence they give.
  static let cases: [(resnet50: [Double], published: Double?, sentence: String)] = [
    (
      [0.9930, 0.9935, 0.9940], 98.94,
      "Under the paper's protocol ResNet50 (99.35 ± 0.05) beats ResNet34 (98.97 ± 0.13) by 0.38 points, "
        + "about 3.0 times the larger seed spread (± 0.13), the order the paper published "
        + "(ResNet50 98.94, ResNet34 98.42)."
    ),
    (
      [0.9880, 0.9910, 0.9905], 98.94,
      "Under the paper's protocol ResNet50 (98.98 ± 0.16) and ResNet34 (98.97 ± 0.13) differ by only 0.01 "
        + "points, within the larger seed spread (± 0.16): the seeds do not separate them; the paper published "
        + "ResNet50 ahead (ResNet50 98.94, ResNet34 98.42)."
    ),
    (
      [0.9853], nil,
      "Under the paper's protocol ResNet34 (98.97 ± 0.13) beats ResNet50 (98.53) by 0.44 points, but with "
        + "one seed of ResNet50 there is no seed spread to weigh that against."
    ),
    (
      [0.9884, 0.9909, 0.9898], 98.94,
      "Under the paper's protocol ResNet34 (98.97 ± 0.13) and ResNet50 (98.97 ± 0.13) have the same mean "
        + "test accuracy; the paper published ResNet50 ahead (ResNet50 98.94, ResNet34 98.42)."
    ),
  ]

  /// A lead beyond the spread in the published order, one within the spread, a single seed, a tie.
  @Test(arguments: cases.indices)
  func eachCaseHasItsSentence(_ index: Int) {
    let (accuracies, published, sentence) = Self.cases[index]
    let resnet50 = Self.entry("ResNet50", accuracies, published: published)
    #expect(ModelVerdict(Self.resnet34, resnet50).sentence == sentence)
  }
}

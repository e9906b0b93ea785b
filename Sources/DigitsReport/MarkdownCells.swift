import Foundation

/// How REPORT.md and APPENDIX.md write their tables and figures: percentages with two decimals,
/// spreads over seeds, differences in signed percentage points.
enum Markdown {
  /// A Markdown table and the blank line after it; `align` has an "l" or "r" per column.
  static func table(_ header: [String], align: String, _ rows: [[String]]) -> [String] {
    assert(align.count == header.count && rows.allSatisfy { $0.count == header.count }, "\(header)")
    let rule = align.map { $0 == "r" ? "---:" : "---" }
    return ([header, rule] + rows).map { "| " + $0.joined(separator: " | ") + " |" } + [""]
  }

  /// A fraction as a percentage with two decimals: "99.12".
  static func percent(_ value: Double) -> String { String(format: "%.2f", value * 100) }

  /// "99.12 ± 0.05": the mean and sample standard deviation over seeds; "99.12" for one seed.
  static func meanAndStd(_ spread: Spread, seeds: Int) -> String {
    percent(spread.mean) + (seeds > 1 ? String(format: " ± %.2f", spread.std * 100) : "")
  }

  /// "99.12 ± 0.05 (99.07–99.18)" over several seeds, "99.12" for one.
  static func spreadCell(_ spread: Spread, seeds: Int) -> String {
    meanAndStd(spread, seeds: seeds)
      + (seeds > 1 ? String(format: " (%.2f–%.2f)", spread.min * 100, spread.max * 100) : "")
  }

  /// A difference of accuracies (fractions) in signed percentage points, "+0.15"; one that rounds
  /// to nothing reads "+0.00", not "-0.00".
  static func points(_ delta: Double) -> String {
    String(format: "%+.2f", (delta * 10_000).rounded() / 100 + 0)
  }

  /// "110 of 30,000": a group's misclassified test images over all its seeds.
  static func errors(_ errors: (misclassified: Int, tested: Int)) -> String {
    "\(errors.misclassified.formatted()) of \(errors.tested.formatted())"
  }

  static func plain(_ value: Double, digits: Int) -> String { String(format: "%.\(digits)f", value) }

  /// "1:02:03" from seconds.
  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
  }
}

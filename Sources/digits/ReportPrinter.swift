import DigitsKit
import Foundation

/// Plain-text tables for evaluation results.
enum ReportPrinter {
  static func summary(_ r: EvaluationReport) -> String {
    table(
      header: ["metric", "value"],
      rows: [
        ["accuracy", percent(r.accuracy)], ["macro precision", percent(r.macroPrecision)],
        ["macro recall", percent(r.macroRecall)], ["macro F1", percent(r.macroF1)], ["images", "\(r.count)"],
      ])
  }

  static func perClass(_ r: EvaluationReport) -> String {
    table(
      header: ["class", "precision", "recall", "F1", "support"],
      rows: r.perClass.map {
        ["\($0.class)", percent($0.precision), percent($0.recall), percent($0.f1), "\($0.support)"]
      })
  }

  /// Rows are true classes, columns predictions (scikit-learn's orientation).
  static func confusion(_ r: EvaluationReport) -> String {
    let classes = r.confusionMatrix.count
    return table(
      header: ["true \\ pred"] + (0..<classes).map(String.init),
      rows: r.confusionMatrix.enumerated().map { ["\($0.offset)"] + $0.element.map(String.init) })
  }

  /// One run's result on a line: "paper resnet34 seed 0: test accuracy 98.84%, macro F1 98.83%".
  static func resultLine(_ label: String, _ r: EvaluationReport) -> String {
    "\(label): test accuracy \(percent(r.accuracy)), macro F1 \(percent(r.macroF1))"
  }

  static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

  /// Right-aligned columns, first column left-aligned.
  static func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        return index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
  }
}

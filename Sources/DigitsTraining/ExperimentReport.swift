import Foundation

/// REPORT.md, results.json and the convergence figure for a set of finished runs.
public struct ExperimentReport {
  /// The published results (PyTorch on a Tesla P100): accuracy, macro P, R, F1 in percent.
  public static let published: [String: [Double]] = [
    "resnet34": [98.42, 98.44, 98.37, 98.39],
    "resnet50": [98.94, 98.93, 98.93, 98.93],
  ]

  public var runs: [RunSummary]
  /// Extra lines for the settings section (e.g. the command that produced the runs).
  public var provenance: [String]

  public init(runs: [RunSummary], provenance: [String]) {
    self.runs = runs
    self.provenance = provenance
  }

  /// results.json as SPEC.md defines it.
  public var resultsJSON: String {
    struct Entry: Encodable {
      var model: String
      var accuracy, macroPrecision, macroRecall, macroF1: Double
      var epochsRun, bestEpoch: Int
      var trainSeconds: Double
    }
    struct Results: Encodable { var models: [Entry] }
    return encodeJSON(
      Results(
        models: runs.map { run in
          let r = run.report
          return Entry(
            model: r.model, accuracy: r.accuracy, macroPrecision: r.macroPrecision,
            macroRecall: r.macroRecall,
            macroF1: r.macroF1, epochsRun: r.epochsRun ?? run.history.epochs.count,
            bestEpoch: r.bestEpoch ?? 0,
            trainSeconds: r.trainSeconds ?? run.history.epochs.map(\.seconds).reduce(0, +))
        }))
  }

  public var markdown: String {
    var lines = ["# ResNet34 and ResNet50 on MNIST", ""]
    lines += [
      "Reproduction of the published PyTorch experiment with `digits` (Swift, CPU). "
        + "Test-set figures are for the weights early stopping kept (lowest validation loss).", "",
    ]
    lines += ["## Data split", "", "| set | images |", "|---|---:|"]
    if let first = runs.first {
      let counts = first.splitCounts
      lines += [
        "| train | \(counts.train.formatted()) |", "| validation | \(counts.validation.formatted()) |",
        "| test | \(counts.test.formatted()) |", "",
      ]
    }
    lines += [
      "## Results (test set)", "",
      "| model | accuracy | macro precision | macro recall | macro F1 | published accuracy / P / R / F1 |",
      "|---|---:|---:|---:|---:|---|",
    ]
    for run in runs {
      let r = run.report
      let paper =
        Self.published[r.model].map { $0.map { String(format: "%.2f", $0) }.joined(separator: " / ") } ?? "-"
      lines.append(
        "| \(r.model) | \(pct(r.accuracy)) | \(pct(r.macroPrecision)) | \(pct(r.macroRecall)) | \(pct(r.macroF1)) | \(paper) |"
      )
    }
    let missing = Self.published.keys.sorted().filter { name in !runs.contains { $0.report.model == name } }
    for name in missing {
      let paper = Self.published[name]!.map { String(format: "%.2f", $0) }.joined(separator: " / ")
      lines.append("| \(name) | not run yet | | | | \(paper) |")
    }
    lines += [
      "", "## Convergence", "", "![Convergence: training loss and validation accuracy](convergence.svg)", "",
    ]
    lines += ["PNG: [convergence.png](convergence.png).", ""]
    lines += [
      "## Training time", "", "| model | epochs run | best epoch | seconds per epoch | total |",
      "|---|---:|---:|---|---:|",
    ]
    for run in runs {
      let seconds = run.history.epochs.map(\.seconds)
      lines.append(
        "| \(run.report.model) | \(seconds.count) | \(run.report.bestEpoch ?? 0) | "
          + seconds.map { String(format: "%.0f", $0) }.joined(separator: ", ")
          + " | \(formatted(seconds.reduce(0, +))) |")
    }
    lines += ["", "## Per-epoch history", ""]
    for run in runs {
      lines += [
        "### \(run.report.model)", "", "| epoch | train loss | train acc | val loss | val acc | lr |",
        "|---:|---:|---:|---:|---:|---:|",
      ]
      for e in run.history.epochs {
        lines.append(
          String(
            format: "| %d | %.4f | %.2f%% | %.4f | %.2f%% | %.2e |", e.epoch, e.trainLoss,
            e.trainAccuracy * 100,
            e.validationLoss, e.validationAccuracy * 100, e.learningRate))
      }
      lines.append("")
    }
    lines += ["## Confusion matrices (rows: true class, columns: predicted)", ""]
    for run in runs {
      let m = run.report.confusionMatrix
      lines += [
        "### \(run.report.model)", "",
        "| true \\ pred | " + m.indices.map(String.init).joined(separator: " | ") + " |",
      ]
      lines.append("|---|" + String(repeating: "---:|", count: m.count))
      for (index, row) in m.enumerated() {
        lines.append("| **\(index)** | " + row.map(String.init).joined(separator: " | ") + " |")
      }
      lines.append("")
    }
    lines += ["## Settings", ""]
    for run in runs {
      let c = run.config
      lines.append(
        "- \(c.model.rawValue): \(c.optimizer.rawValue) lr \(c.learningRate) (\(c.schedule.rawValue) schedule), "
          + "batch \(c.batchSize), at most \(c.epochs) epochs, early stopping patience \(c.patience) "
          + "(min delta \(c.minDelta)), validation ratio \(c.validationRatio), seed \(c.seed), "
          + "weight decay \(c.weightDecay), label smoothing \(c.labelSmoothing), \(c.threads) threads; "
          + "cross-entropy loss; run folder `\(run.folder.path)`")
    }
    lines += provenance.map { "- " + $0 }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Writes REPORT.md, results.json and convergence.svg into `directory` (REPORT.md links
  /// convergence.png too, which a caller may render from the SVG: `digits` runs rsvg-convert).
  public func write(to directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let folder = RunFolder(directory)
    try writeAtomically(ConvergenceChart(runs: runs).svg, to: folder.file("convergence.svg"))
    try writeAtomically(resultsJSON, to: folder.file("results.json"))
    try writeAtomically(markdown, to: folder.file("REPORT.md"))
  }

  private func pct(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

  private func formatted(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
  }
}

import ArgumentParser
import DigitsKit
import Foundation

struct Experiment: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train ResNet34 and ResNet50 under the protocol and write REPORT.md, results.json and figures.",
    discussion: """
      Without --from, trains each model into <out>/runs/<model> (Ctrl-C and --resume work as for \
      `digits train`), then writes <out>/REPORT.md, results.json, convergence.svg and convergence.png. \
      With --from, assembles the same report from run folders `digits train` already wrote.
      """)

  @Option(help: "Report folder.") var out = "report"
  @Option(help: "Maximum epochs per model.") var epochs = 10
  @Option(help: "Use only the first N training images (quick runs).") var trainLimit: Int?
  @Option(help: "Seed for the splits, initialisation and batch order.") var seed: UInt64 = 0
  @Option(
    help: ArgumentHelp(
      "Models to train, comma-separated (\(ResNetArchitecture.allCases.map(\.rawValue).joined(separator: ", ")))."
    ))
  var models = "resnet34,resnet50"
  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp("Run folders to report on instead of training.", valueName: "run-dir"))
  var from: [String] = []
  @Flag(help: "Continue interrupted training runs in <out>/runs.") var resume = false
  @OptionGroup var data: DataOptions

  func validate() throws {
    if epochs < 1 { throw InputProblem("--epochs must be at least 1, got \(epochs)") }
    if let trainLimit, trainLimit < 1 {
      throw InputProblem("--train-limit must be at least 1, got \(trainLimit)")
    }
    for name in modelNames where ResNetArchitecture(rawValue: name) == nil {
      throw InputProblem(
        "unknown model '\(name)' in --models; choose from \(ResNetArchitecture.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
  }

  private var modelNames: [String] {
    models.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
  }

  func run() throws {
    var folders = from.map(RunFolder.init)
    if folders.isEmpty {
      let mnist = try data.load()
      InterruptHandler.install()
      for name in modelNames {
        var config = TrainingConfig(threads: data.threadCount)
        config.model = ResNetArchitecture(rawValue: name)!
        config.epochs = epochs
        config.trainLimit = trainLimit
        config.seed = seed
        config.dataDirectory = data.dataDir
        let folder = RunFolder((out as NSString).appendingPathComponent("runs/\(name)"))
        print("== \(name) → \(folder.path)")
        let resuming = resume && FileManager.default.fileExists(atPath: folder.resumeState)
        let trainer = Trainer(
          config: config, folder: folder, observer: ProgressPrinter(), cancellation: interruption)
        _ = try trainer.train(TrainingData(mnist), resume: resuming)
        folders.append(folder)
      }
    }
    let runs = try folders.map(RunSummary.load)
    let command = "digits experiment " + CommandLine.arguments.dropFirst(2).joined(separator: " ")
    let report = ExperimentReport(runs: runs, provenance: ["report written by `\(command)`"])
    try report.write(to: out)
    let note = ConvergencePNG.render(svg: RunFolder(out).file("convergence.svg"))
    print("")
    for run in runs {
      print(
        "\(run.report.model): test accuracy \(ReportPrinter.percent(run.report.accuracy)), macro F1 \(ReportPrinter.percent(run.report.macroF1))"
      )
    }
    print("Wrote \(out)/REPORT.md, results.json, convergence.svg\(note == nil ? ", convergence.png" : "")")
    if let note { print(note) }
  }
}

import ArgumentParser
import DigitsModels
import DigitsTraining
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
  @Option(help: "Models to train, comma-separated.") var models = "resnet34,resnet50"
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
    for name in architectures where ResNetArchitecture(rawValue: name) == nil {
      throw InputProblem("unknown model '\(name)' in --models")
    }
  }

  private var architectures: [String] {
    models.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
  }

  func run() throws {
    var folders = from.map(RunFolder.init)
    if folders.isEmpty {
      InterruptHandler.install()
      for name in architectures {
        var config = TrainingConfig(threads: data.threadCount)
        config.model = ResNetArchitecture(rawValue: name)!
        config.epochs = epochs
        config.trainLimit = trainLimit
        config.seed = seed
        config.dataDirectory = data.dataDir
        let folder = RunFolder((out as NSString).appendingPathComponent("runs/\(name)"))
        print("== \(name) → \(folder.path)")
        let resuming = resume && FileManager.default.fileExists(atPath: folder.resumeState)
        _ = try Trainer(config: config, folder: folder, observer: ProgressPrinter()).run(resume: resuming)
        folders.append(folder)
      }
    }
    let runs = try folders.map(RunSummary.load)
    let command = "digits experiment " + CommandLine.arguments.dropFirst(2).joined(separator: " ")
    let report = ExperimentReport(runs: runs, provenance: ["report written by `\(command)`"])
    let note = try report.write(to: out)
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

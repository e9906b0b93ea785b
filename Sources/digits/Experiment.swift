import ArgumentParser
import DigitsKit
import Foundation

struct Experiment: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Train ResNets under the paper's and the improved protocol over seeds; write REPORT.md, APPENDIX.md, results.json and figures.",
    discussion: """
      Without --from, trains every protocol, model, stem and seed into \
      <out>/runs/<protocol>/<model>/seed-<n> (<model>-nomaxpool for the stem without max-pool; \
      Ctrl-C and --resume work as for `digits train`), then writes <out>/REPORT.md (the answers: the paper's \
      question, the best recipe, the protocols compared, ablations and variants), APPENDIX.md (every \
      run, ensemble, epoch and setting behind it), results.json, convergence.svg/.png (the paper's \
      protocol), convergence-recipes.svg/.png (the other recipes) and errors.svg/.png (the best run's \
      misclassified test images). \
      Ensembles of each group's seeds and of every model of a protocol are evaluated on the test \
      set from the runs' best.safetensors; for run folders without them, the ensembles of the \
      results.json already in <out> are kept (where no kept ensemble of a protocol's every model \
      covers all of its runs now, the one that covers the most is shown, under its own name). \
      With --from, assembles the report from run folders `digits train` already wrote (any \
      protocols, models, stems and seeds; a run of the improved protocol with one ingredient \
      switched off, e.g. --no-augment, appears in the ablation table).
      """)

  @Option(help: "Report folder.") var out = "report"
  @Option(help: "Maximum epochs per run. Default: the protocol's (\(TrainingConfig(threads: 1).epochs)).")
  var epochs: Int?
  @Option(help: "Use only the first N training images (quick runs).") var trainLimit: Int?
  @Option(
    help: ArgumentHelp(
      "Seeds: a count N (seeds 0 to N-1) or a comma-separated list (0,1,2). Default: seed 0.",
      valueName: "n|list"))
  var seeds: String?
  @Option(
    help: ArgumentHelp(
      "One seed: --seed 3 trains seed 3 only (--seeds 3 trains seeds 0, 1 and 2).", valueName: "seed"))
  var seed: UInt64?
  @Option(
    help: ArgumentHelp(
      "Protocols, comma-separated (\(TrainingProtocol.allCases.map(\.rawValue).joined(separator: ", ")))."))
  var protocols = TrainingProtocol.allCases.map(\.rawValue).joined(separator: ",")
  @Option(
    help: ArgumentHelp(
      "Models to train, comma-separated (\(ResNetArchitecture.allCases.map(\.rawValue).joined(separator: ", ")))."
    ))
  var models = "resnet34,resnet50"
  @Option(
    help: ArgumentHelp(
      "Stems, comma-separated (standard: torchvision's; nomaxpool: without its max-pool), each trained with its protocol's recipe for that stem (see `digits train --help`).",
      valueName: "list")
  )
  var stems = "standard"
  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp("Run folders to report on instead of training.", valueName: "run-dir"))
  var from: [String] = []
  @Flag(help: "Continue interrupted training runs in <out>/runs; finished ones (with metrics.json) are kept.")
  var resume = false
  @OptionGroup var data: DataOptions

  func validate() throws {
    if let epochs, epochs < 1 { throw InputProblem("--epochs must be at least 1, got \(epochs)") }
    if let trainLimit, trainLimit < 1 {
      throw InputProblem("--train-limit must be at least 1, got \(trainLimit)")
    }
    if seed != nil && seeds != nil { throw InputProblem("give --seeds or --seed, not both") }
    _ = try seedList
    _ = try choices(models, flag: "--models", as: ResNetArchitecture.self)
    _ = try choices(protocols, flag: "--protocols", as: TrainingProtocol.self)
    _ = try choices(stems, flag: "--stems", as: ResNetStem.self)
  }

  /// --seeds as a count or a list, or --seed; seed 0 without either.
  private var seedList: [UInt64] {
    get throws {
      if let seed { return [seed] }
      guard let seeds else { return [0] }
      let problem = InputProblem(
        "--seeds takes a count (3: seeds 0, 1, 2) or a comma-separated list of seeds (0,1,2), got '\(seeds)'")
      if !seeds.contains(",") {
        guard let count = Int(seeds.trimmingCharacters(in: .whitespaces)), count >= 1 else { throw problem }
        return (0..<UInt64(count)).map { $0 }
      }
      let list = try seeds.split(separator: ",").map {
        guard let seed = UInt64($0.trimmingCharacters(in: .whitespaces)) else { throw problem }
        return seed
      }
      guard !list.isEmpty, Set(list).count == list.count else { throw problem }
      return list
    }
  }

  /// A comma-separated list of a flag's choices, each checked.
  private func choices<Choice: RawRepresentable & CaseIterable>(
    _ list: String, flag: String, as: Choice.Type
  ) throws -> [Choice] where Choice.RawValue == String {
    let names = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    if names.isEmpty { throw InputProblem("\(flag) needs at least one name") }
    return try names.map { name in
      guard let choice = Choice(rawValue: name) else {
        throw InputProblem(
          "unknown name '\(name)' in \(flag); choose from \(Choice.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      return choice
    }
  }

  /// Every run to train, seed by seed (so that an interrupted experiment has whole seeds).
  private func plannedRuns() throws -> [(config: TrainingConfig, folder: RunFolder)] {
    var runs: [(TrainingConfig, RunFolder)] = []
    for seed in try seedList {
      for recipe in try choices(protocols, flag: "--protocols", as: TrainingProtocol.self) {
        for model in try choices(models, flag: "--models", as: ResNetArchitecture.self) {
          for stem in try choices(stems, flag: "--stems", as: ResNetStem.self) {
            var config = TrainingConfig(protocol: recipe, stem: stem, threads: data.threadCount)
            config.model = model
            config.seed = seed
            if let epochs { config.epochs = epochs }
            config.trainLimit = trainLimit
            config.dataDirectory = data.dataDir
            let name = model.rawValue + (stem == .standard ? "" : "-\(stem.rawValue)")
            let path = (out as NSString).appendingPathComponent(
              "runs/\(recipe.rawValue)/\(name)/seed-\(seed)")
            runs.append((config, RunFolder(path)))
          }
        }
      }
    }
    return runs
  }

  func run() throws {
    if MPICommunicator.launchedAsOneOfSeveral(environment: Job.environment) {
      throw InputProblem(
        "digits experiment runs as one process; under mpirun, train each run with `digits train` and assemble the report with `digits experiment --from`"
      )
    }
    var folders = from.map(RunFolder.init)
    var test: LabeledImages?
    if folders.isEmpty {
      let mnist = try data.load()
      test = mnist.test
      InterruptHandler.install()
      let planned = try plannedRuns()
      // A finished run has its metrics.json; training it again would only re-test it.
      let kept = planned.map { resume && FileManager.default.fileExists(atPath: $0.folder.metrics) }
      var progress = try JobProgress(runs: planned.map(\.config), trainCount: mnist.train.count, kept: kept)
      let started = Date()
      for (index, (config, folder)) in planned.enumerated() {
        let elapsed = Date().timeIntervalSince(started)
        print(
          "== \(progress.position(run: index)): \(config.runLabel) → \(folder.path) — "
            + progress.status(elapsed: elapsed, next: index))
        folders.append(folder)
        if kept[index] {
          print("finished earlier; kept as it is")
          continue
        }
        let resuming = resume && FileManager.default.fileExists(atPath: folder.resumeState)
        let trainer = Trainer(
          config: config, folder: folder, observer: ProgressPrinter(), cancellation: interruption)
        let runStarted = Date()
        let outcome = try trainer.train(TrainingData(mnist), resume: resuming)
        // A resumed run's time covers only its last epochs, so it would make the rest look quick.
        if !resuming {
          progress.record(
            run: index, share: Double(outcome.history.epochs.count) / Double(config.epochs),
            seconds: Date().timeIntervalSince(runStarted))
        }
        if let report = outcome.report {
          print(
            ReportPrinter.resultLine(config.runLabel, report) + "; \(progress.position(run: index)) done, "
              + progress.status(elapsed: Date().timeIntervalSince(started), next: index + 1))
        }
      }
    }
    let runs = try folders.map(RunSummary.load)
    if test == nil { test = try testSet(of: runs) }
    let command = "digits experiment " + CommandLine.arguments.dropFirst(2).joined(separator: " ")
    var report = ExperimentReport(
      runs: runs, provenance: ["report written by `\(command)`"], testSet: test,
      pngEncoder: { ImageEncoder.png($0, width: $1, height: $2) }, threads: data.threadCount)
    let plans = report.ensemblePlans
    if !plans.isEmpty {
      print("Evaluating \(plans.count) ensemble\(plans.count == 1 ? "" : "s") on the test set")
    }
    try report.evaluateEnsembles(earlier: ExperimentReport.earlierEnsembles(in: out))
    let figures = try report.write(to: out)
    let folder = RunFolder(out)
    var written = ["REPORT.md", "APPENDIX.md", "results.json"] + figures
    var notes: [String] = []
    for svg in figures {
      if let note = FigurePNG.render(svg: folder.file(svg)) {
        notes.append(note)
      } else {
        written.append((svg as NSString).deletingPathExtension + ".png")
      }
    }
    printSummary(report)
    print("Wrote \(out)/" + written.joined(separator: ", "))
    for note in notes + report.ensembleNotes { print(note) }
  }

  /// The test set of --data-dir; without it, that of the data folder every run was trained on
  /// when they name the same one, else the bundled MNIST.
  private func testSet(of runs: [RunSummary]) throws -> LabeledImages {
    let recorded = Set(runs.map(\.config.dataDirectory))
    guard data.dataDir == nil, recorded.count == 1, let directory = recorded.first!,
      FileManager.default.fileExists(atPath: directory)
    else { return try data.load().test }
    print("Test set: \(directory), where the runs were trained (--data-dir chooses another)")
    return try MNIST.load(directory: directory, verifyChecksums: false).test
  }

  private func printSummary(_ report: ExperimentReport) {
    print("")
    for run in report.runs {
      print(ReportPrinter.resultLine(run.label, run.report))
    }
    for group in report.groups where group.runs.count > 1 {
      let accuracy = group.spread(\.accuracy)
      print(
        "\(group.label), \(group.runs.count) seeds: test accuracy \(ReportPrinter.percent(accuracy.mean)) ± "
          + String(format: "%.2f", accuracy.std * 100))
    }
    for ensemble in report.ensembles {
      print("ensemble \(ensemble.name): test accuracy \(ReportPrinter.percent(ensemble.accuracy))")
    }
  }
}

import Foundation
import TestSupport
import Testing

/// `digits experiment` as a user runs it: each run's start (numbered), progress bar and epoch line
/// (it once printed nothing for the whole training: its progress printer was released at once),
/// each run's test result as it ends, and with --seeds a run folder per seed and a report over them.
@Suite(.tags(.slow), .skippedWhenFast) struct ExperimentOutputTests {
  @Test func experimentPrintsEpochLinesAndProgressForEveryModel() throws {
    try SmallMNIST.withData(train: 600, test: 100) { data, out in
      let result = try DigitsProcess.run([
        "experiment", "--protocols", "paper", "--epochs", "1", "--train-limit", "256", "--data-dir", data,
        "--out",
        out.path,
      ])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      for (index, model) in ["resnet34", "resnet50"].enumerated() {
        #expect(
          result.stdout.contains(
            "== run \(index + 1)/2: paper \(model) seed 0 → \(out.path)/runs/paper/\(model)/seed-0"),
          "stdout: \(result.stdout)")
        #expect(result.stdout.contains("paper \(model) seed 0: test accuracy "), "stdout: \(result.stdout)")
        // Each run's result as it finishes, not only in the summary after the last, with the
        // job's progress: which run of how many, the time elapsed and the time left.
        let finished = result.stdout.split(separator: "\n").filter {
          $0.hasPrefix("paper \(model) seed 0: test accuracy ") && $0.contains("; run \(index + 1)/2 done, ")
            && $0.contains(" elapsed, ") && $0.hasSuffix(index == 1 ? "no training left" : " left")
        }
        #expect(finished.count == 1, "stdout: \(result.stdout)")
      }
      let epochLines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch  1/1  train loss ") }
      #expect(epochLines.count == 2, "stdout: \(result.stdout)")
      // Not a terminal: the bar is written as lines, the last at 2/2 batches (256 images, batch 128).
      let barLines = result.stderr.split(separator: "\n").filter {
        $0.hasPrefix("epoch 1/1 ") && $0.contains(" 2/2 ")
      }
      #expect(barLines.count == 2, "stderr: \(result.stderr)")
      for file in ["REPORT.md", "APPENDIX.md"] {
        #expect(FileManager.default.fileExists(atPath: out.path + "/" + file), "\(file)")
      }
    }
  }

  @Test func experimentOverSeedsWritesEveryRunAndTheirMeanAndSpread() throws {
    try SmallMNIST.withData(train: 300, test: 100) { data, out in
      let result = try DigitsProcess.run([
        "experiment", "--seeds", "2", "--protocols", "paper", "--models", "resnet18", "--epochs", "1",
        "--train-limit", "128", "--data-dir", data, "--out", out.path, "--threads", "2",
      ])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      for seed in [0, 1] {
        let folder = out.path + "/runs/paper/resnet18/seed-\(seed)"
        for file in ["config.json", "metrics.json", "best.safetensors"] {
          #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(folder)/\(file)")
        }
        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        #expect(config.contains("\"seed\" : \(seed)") && config.contains("\"protocol\" : \"paper\""))
      }
      let report = try String(contentsOfFile: out.path + "/REPORT.md", encoding: .utf8)
      #expect(report.contains("| ResNet18, here | 2 | "), "the paper's protocol over both seeds first")
      let markdown = try String(contentsOfFile: out.path + "/APPENDIX.md", encoding: .utf8)
      let row = try #require(
        markdown.split(separator: "\n").first { $0.hasPrefix("| paper resnet18 | 2 | ") })
      #expect(row.contains(" ± ") && row.contains("–"), "\(row)")
      #expect(
        markdown.contains("| paper resnet18: 2 seeds | seeds 0, 1 | no |"))
      let results = try #require(
        JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + "/results.json")))
          as? [String: Any])
      #expect((results["models"] as? [Any])?.count == 2)
      #expect(((results["aggregates"] as? [[String: Any]])?.first?["seeds"] as? [Int]) == [0, 1])
      #expect(
        (results["ensembles"] as? [[String: Any]])?.first?["members"] as? [String] == [
          "paper resnet18 seed 0", "paper resnet18 seed 1",
        ])
      // An untrained ResNet18 gets most of the 100 test digits wrong: a tile for each.
      let errors = try #require(results["best_model_errors"] as? [Int])
      let svg = try String(contentsOfFile: out.path + "/errors.svg", encoding: .utf8)
      #expect(!errors.isEmpty && svg.components(separatedBy: "<image ").count - 1 == errors.count)
      #expect(result.stdout.contains("paper resnet18, 2 seeds: test accuracy "), "stdout: \(result.stdout)")
      for png in ["convergence.png", "errors.png"] {
        #expect(FileManager.default.fileExists(atPath: out.path + "/" + png), "\(png)")
      }

      // --resume keeps finished runs as they are: no second test pass, no new events file.
      let seed0 = out.path + "/runs/paper/resnet18/seed-0"
      let metrics = try String(contentsOfFile: seed0 + "/metrics.json", encoding: .utf8)
      let files = try FileManager.default.contentsOfDirectory(atPath: seed0).sorted()
      let again = try DigitsProcess.run([
        "experiment", "--seeds", "2", "--protocols", "paper", "--models", "resnet18", "--epochs", "1",
        "--train-limit", "128", "--data-dir", data, "--out", out.path, "--threads", "2", "--resume",
      ])
      #expect(again.status == 0, "stderr: \(again.stderr)")
      #expect(again.stdout.components(separatedBy: "finished earlier; kept as it is").count - 1 == 2)
      #expect(try String(contentsOfFile: seed0 + "/metrics.json", encoding: .utf8) == metrics)
      #expect(try FileManager.default.contentsOfDirectory(atPath: seed0).sorted() == files)

      // `evaluate` takes the ensemble's checkpoints after one flag and agrees with the report.
      let ensemble = try DigitsProcess.run([
        "evaluate", "--checkpoint", seed0 + "/best.safetensors",
        out.path + "/runs/paper/resnet18/seed-1/best.safetensors", "--data-dir", data, "--json",
      ])
      #expect(ensemble.status == 0, "stderr: \(ensemble.stderr)")
      let evaluated = try #require(
        JSONSerialization.jsonObject(with: Data(ensemble.stdout.utf8)) as? [String: Any])
      let reported = try #require((results["ensembles"] as? [[String: Any]])?.first)
      #expect(evaluated["accuracy"] as? Double == reported["accuracy"] as? Double, "\(ensemble.stdout)")

      // `--split validation` scores the 90 images seed 1's run held out (30% of 300): the
      // accuracy its one epoch recorded for them.
      let seed1 = out.path + "/runs/paper/resnet18/seed-1"
      let held = try DigitsProcess.run([
        "evaluate", "--checkpoint", seed1 + "/best.safetensors", "--split", "validation", "--seed", "1",
        "--data-dir", data, "--json",
      ])
      #expect(held.status == 0, "stderr: \(held.stderr)")
      let heldReport = try #require(
        JSONSerialization.jsonObject(with: Data(held.stdout.utf8)) as? [String: Any])
      let history = try String(contentsOfFile: seed1 + "/history.csv", encoding: .utf8)
      let header = try #require(history.split(separator: "\n").first).split(separator: ",")
      let lastEpoch = try #require(history.split(separator: "\n").last).split(separator: ",")
      let column = try #require(header.firstIndex(of: "val_acc"))
      let recorded = try #require(Double(lastEpoch[column]))
      #expect(heldReport["count"] as? Int == 90)
      #expect(abs((heldReport["accuracy"] as? Double ?? -1) - recorded) < 1e-6, "\(held.stdout)")
    }
  }

  @Test func badSeedsAndProtocolsAreOneLineErrors() throws {
    for (arguments, message) in [
      (["--seeds", "0,x"], "--seeds takes a count"), (["--seeds", "0"], "--seeds takes a count"),
      (["--seeds", "1,1"], "--seeds takes a count"), (["--seeds", "2", "--seed", "1"], "not both"),
      (["--protocols", "paper,fast"], "unknown name 'fast' in --protocols"),
      (["--stems", "tiny"], "unknown name 'tiny' in --stems"),
    ] {
      let result = try DigitsProcess.run(["experiment"] + arguments)
      #expect(result.status != 0 && result.stderrLines.count == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}

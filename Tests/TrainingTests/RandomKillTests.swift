import DigitsData
import Foundation
import TestSupport
import Testing

/// `digits train` killed with SIGKILL at random moments (the seed is fixed, so the moments are
/// the same on every run of the test, but they fall anywhere: while loading, mid-epoch, during
/// validation or while a checkpoint is written) and started again with `--resume` (or afresh
/// when no epoch had completed) must end with the history, steps and test metrics of a run that
/// was never interrupted.
@Suite(.serialized, .tags(.slow), .skippedWhenFast) struct RandomKillTests {
  static let dataDirectory = try! SmallMNIST.write(train: 492, test: 200)

  static func arguments(out: String) -> [String] {
    [
      "train", "--model", "resnet18", "--epochs", "3", "--batch-size", "64", "--val-ratio", "0.6",
      "--seed", "5", "--threads", "2", "--data-dir", dataDirectory, "--out", out,
    ]
  }

  /// Starts `digits` and, after `killAfter` seconds, kills it with SIGKILL if it still runs.
  /// Returns whether it was killed, or else its exit status.
  static func run(_ arguments: [String], killAfter: TimeInterval?) throws -> (killed: Bool, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: DigitsProcess.executable)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    if let killAfter {
      let deadline = Date().addingTimeInterval(killAfter)
      while process.isRunning && Date() < deadline { usleep(10_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return (true, 0)
      }
    }
    process.waitUntilExit()
    return (false, process.terminationStatus)
  }

  static func read(_ folder: String, _ name: String) throws -> String {
    try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
  }

  static func completedEpochs(_ folder: String) -> Int {
    guard let text = try? read(folder, "history.csv") else { return 0 }
    return max(0, text.split(separator: "\n").count - 1)
  }

  /// history.csv without its wall-clock column.
  static func history(_ folder: String) throws -> String {
    try read(folder, "history.csv").split(separator: "\n")
      .map { $0.split(separator: ",").dropLast().joined(separator: ",") }.joined(separator: "\n")
  }

  /// metrics.json without the keys that hold times.
  static func metrics(_ folder: String) throws -> NSDictionary {
    let object = try JSONSerialization.jsonObject(with: Foundation.Data(read(folder, "metrics.json").utf8))
    return NSDictionary(dictionary: (object as! [String: Any]).filter { !$0.key.contains("seconds") })
  }

  /// One round of kills and restarts into `folder`: four attempts killed at random moments
  /// within what is left of a run lasting `duration` seconds, then runs to the end.
  static func killAndResume(
    into folder: String, duration: TimeInterval, generator: inout SeededGenerator
  ) throws -> (kills: [String], resumes: Int, finished: Bool, freshRunSeconds: TimeInterval?) {
    var kills: [String] = []
    var resumes = 0
    for attempt in 0..<12 {
      let canResume = FileManager.default.fileExists(atPath: folder + "/last.state.safetensors")
      // Anywhere in what is left of the run, judged by the epochs already in history.csv.
      let left = Double(3 - completedEpochs(folder)) / 3
      let moment = attempt < 4 ? Double.random(in: 0.1...0.95, using: &generator) * duration * left : nil
      let started = Date()
      let outcome = try run(arguments(out: folder) + (canResume ? ["--resume"] : []), killAfter: moment)
      if canResume { resumes += 1 }
      if outcome.killed {
        kills.append(String(format: "%.1fs%@", moment!, canResume ? " (resumed)" : ""))
        continue
      }
      #expect(outcome.status == 0, "attempt \(attempt) exited with \(outcome.status)")
      return (kills, resumes, outcome.status == 0, canResume ? nil : Date().timeIntervalSince(started))
    }
    return (kills, resumes, false, nil)
  }

  @Test func killedAtRandomMomentsAndResumedMatchesUninterrupted() throws {
    let scratch = try TemporaryFolder()
    defer { scratch.remove() }
    let straight = scratch.path + "/straight"
    let started = Date()
    let reference = try Self.run(Self.arguments(out: straight), killAfter: nil)
    var duration = Date().timeIntervalSince(started)
    #expect(reference.status == 0)

    var generator = SeededGenerator(seed: 20_261_125)
    var resumed = ""
    var round: (kills: [String], resumes: Int, finished: Bool, freshRunSeconds: TimeInterval?) = (
      [], 0, false, nil
    )
    // This VM's speed drifts by up to 2x: when the runs go faster than the reference did, a
    // round can finish before its kill moments. Such a round starts over in a fresh folder,
    // timed by the uninterrupted run it has just seen.
    for attempt in 0..<3 {
      resumed = scratch.path + "/resumed\(attempt)"
      round = try Self.killAndResume(into: resumed, duration: duration, generator: &generator)
      guard round.finished, round.kills.isEmpty || round.resumes == 0, let seconds = round.freshRunSeconds
      else {
        break
      }
      duration = seconds
    }
    let kills = round.kills
    #expect(round.finished)
    #expect(!kills.isEmpty, "no kill landed before the run finished")
    #expect(round.resumes > 0, "no run was resumed: every kill came before the first epoch ended (\(kills))")
    #expect(try Self.history(resumed) == Self.history(straight), "kills at \(kills)")
    #expect(try Self.read(resumed, "steps.csv") == Self.read(straight, "steps.csv"), "kills at \(kills)")
    #expect(try Self.metrics(resumed).isEqual(Self.metrics(straight)), "kills at \(kills)")
    print("random kills (run takes \(String(format: "%.1f", duration))s): \(kills.joined(separator: ", "))")
  }
}

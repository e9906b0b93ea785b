import Foundation
import TestSupport
import Testing

/// `digits experiment` as a user runs it shows each model's start, progress bar and epoch line
/// (it once printed nothing for the whole training: its progress printer was released at once).
@Suite(.tags(.slow), .skippedWhenFast) struct ExperimentOutputTests {
  @Test func experimentPrintsEpochLinesAndProgressForEveryModel() throws {
    let data = try SmallMNIST.write(train: 600, test: 100)
    let out = try TemporaryFolder()
    defer {
      out.remove()
      try? FileManager.default.removeItem(atPath: data)
    }
    let result = try DigitsProcess.run([
      "experiment", "--epochs", "1", "--train-limit", "256", "--data-dir", data, "--out", out.path,
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    for model in ["resnet34", "resnet50"] {
      #expect(result.stdout.contains("== \(model) → "), "stdout: \(result.stdout)")
      #expect(result.stdout.contains("\(model): test accuracy "), "stdout: \(result.stdout)")
    }
    let epochLines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch  1/1  train loss ") }
    #expect(epochLines.count == 2, "stdout: \(result.stdout)")
    // Not a terminal: the bar is written as lines, the last at 2/2 batches (256 images, batch 128).
    let barLines = result.stderr.split(separator: "\n").filter {
      $0.hasPrefix("epoch 1/1 ") && $0.contains(" 2/2 ")
    }
    #expect(barLines.count == 2, "stderr: \(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: out.path + "/REPORT.md"))
  }
}

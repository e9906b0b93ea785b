import Foundation
import TestSupport
import Testing

/// End to end: `digits` as a process. Bad input must end with a non-zero status and exactly one
/// line on stderr that names the flag or the file, never a crash or a usage dump.
@Suite struct CommandLineTests {
  @Test func helpListsEverySubcommand() throws {
    let result = try DigitsProcess.run(["--help"])
    #expect(result.status == 0 && !result.signalled)
    for command in ["train", "evaluate", "predict", "experiment", "bench", "serve", "export"] {
      #expect(result.stdout.contains("\n  \(command) "), "--help lacks \(command)")
    }
  }

  @Test(arguments: [
    (["--epochs", "0"], ["--epochs", "0"]),
    (["--batch-size", "0"], ["--batch-size", "0"]),
    (["--val-ratio", "1.5"], ["--val-ratio", "1.5"]),
    (["--model", "resnet99"], ["resnet99"]),
    (["--elastic=-1"], ["--elastic", "-1"]),
    (["--protocol", "improved", "--elastic", "36", "--elastic-sigma", "0"], ["--elastic-sigma", "0"]),
    (["--elastic", "34"], ["--elastic", "--augment"]),
    (["--protocol", "improved", "--no-augment", "--elastic", "34"], ["--elastic", "--augment"]),
    (["--protocol", "improved", "--clean-epochs", "11"], ["--clean-epochs", "11", "--epochs"]),
    (["--clean-epochs", "1"], ["--clean-epochs", "--augment"]),
    (["--protocol", "improved", "--augment-degrees", "200"], ["--augment-degrees", "200"]),
    (["--protocol", "improved", "--augment-translate=-0.1"], ["--augment-translate", "-0.1"]),
    (["--protocol", "improved", "--augment-scale", "1"], ["--augment-scale", "1"]),
    (["--augment-degrees", "15"], ["--augment-degrees", "--augment"]),
    (["--protocol", "improved", "--tta-rotation", "90"], ["--tta-rotation", "90"]),
    (["--tta-rotation", "8"], ["--tta-rotation", "--tta"]),
    (["--protocol", "improved", "--tta-scale", "3"], ["--tta-scale", "3"]),
    (["--tta-scale", "1.1"], ["--tta-scale", "--tta"]),
  ])
  func badTrainFlagIsOneLine(flag: [String], mentions: [String]) throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    let out = directory.path + "/run"
    expectOneLineFailure(try DigitsProcess.run(["train"] + flag + ["--out", out]), mentioning: mentions)
    #expect(!FileManager.default.fileExists(atPath: out), "a failed run left \(out) behind")
  }

  /// `--ema 0` is allowed (no average, as for train), 1 and below 0 are not.
  @Test(arguments: [
    (["--ema", "1"], ["--ema", "1"]),
    (["--ema=-0.5"], ["--ema", "-0.5"]),
    (["--steps", "0"], ["--steps", "0"]),
  ])
  func badBenchFlagIsOneLine(flag: [String], mentions: [String]) throws {
    expectOneLineFailure(try DigitsProcess.run(["bench"] + flag), mentioning: mentions)
  }

  @Test func missingCheckpointIsNamed() throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    let result = try DigitsProcess.run(
      ["evaluate", "--checkpoint", "missing.safetensors"], in: directory.path)
    expectOneLineFailure(result, mentioning: ["missing.safetensors"])
  }

  @Test(arguments: ["--tta-rotation", "--tta-scale"])
  func otherTestViewsNeedTTA(flag: String) throws {
    let result = try DigitsProcess.run(["evaluate", "--checkpoint", "any.safetensors", flag, "1.5"])
    expectOneLineFailure(result, mentioning: [flag, "--tta"])
  }

  @Test(arguments: [
    (["--seed", "3"], ["--seed", "--split validation"]),
    (["--split", "validation", "--val-ratio", "0"], ["--val-ratio", "0"]),
    (["--split", "train"], ["--split", "train"]),
  ])
  func badSplitIsOneLine(flag: [String], mentions: [String]) throws {
    expectOneLineFailure(
      try DigitsProcess.run(["evaluate", "--checkpoint", "any.safetensors"] + flag), mentioning: mentions)
  }

  @Test func corruptCheckpointIsNamed() throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    var random = TestRandom(seed: 7)
    let path = try directory.write(
      (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }, to: "noise.safetensors")
    expectOneLineFailure(
      try DigitsProcess.run(["evaluate", "--checkpoint", path]), mentioning: ["noise.safetensors"])
  }
}

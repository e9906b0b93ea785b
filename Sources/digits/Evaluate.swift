import ArgumentParser
import DigitsKit
import Foundation

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Evaluate a checkpoint, or an ensemble, on the MNIST test set: accuracy, macro precision/recall/F1, confusion matrix.",
    discussion: """
      Reads checkpoints written by `digits train` or by PyTorch (a torchvision ResNet state_dict). \
      Given several checkpoints (--checkpoint A B C, or the flag repeated), averages the models' \
      class probabilities (an ensemble).
      """
  )

  @Option(
    parsing: .upToNextOption,
    help: "A .safetensors checkpoint; several (after one flag or by repeating it) for an ensemble.")
  var checkpoint: [String]
  @Flag(
    help: "Average the probabilities of each image and its four one-pixel shifts (test-time augmentation).")
  var tta = false
  @Option(
    help: ArgumentHelp(
      "With --tta, also average each image rotated by +degrees and -degrees (0: the shifts only).",
      valueName: "degrees"))
  var ttaRotation: Float = 0
  @Flag(help: "Print one JSON object instead of tables.") var json = false
  @Option(help: "Images per forward pass.") var batchSize = 256
  @OptionGroup var data: DataOptions

  func validate() throws {
    if checkpoint.isEmpty { throw InputProblem("--checkpoint is required") }
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
    try Train.checkTTARotation(ttaRotation, tta: tta, enabling: "--tta")
  }

  func run() throws {
    let members = try checkpoint.map(Classifier.load)
    let report = try DigitRecognizer.evaluate(
      members, on: data.load().test, threads: data.threadCount, batchSize: batchSize,
      testTimeAugmentation: tta, ttaRotation: ttaRotation)
    if json {
      print(encodeJSON(report), terminator: "")
      return
    }
    print("\(report.model) on \(report.count) test images (\(checkpoint.joined(separator: ", ")))\n")
    print(ReportPrinter.summary(report) + "\n")
    print(ReportPrinter.perClass(report) + "\n")
    print("Confusion matrix (rows: true class, columns: predicted)")
    print(ReportPrinter.confusion(report))
  }
}

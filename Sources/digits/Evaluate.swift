import ArgumentParser
import DigitsKit
import Foundation

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Evaluate a checkpoint on the MNIST test set: accuracy, macro precision/recall/F1, confusion matrix.",
    discussion: "Reads checkpoints written by `digits train` or by PyTorch (a torchvision ResNet state_dict)."
  )

  @Option(help: "A .safetensors checkpoint.") var checkpoint: String
  @Flag(help: "Print one JSON object instead of tables.") var json = false
  @Option(help: "Images per forward pass.") var batchSize = 256
  @OptionGroup var data: DataOptions

  func validate() throws {
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
  }

  func run() throws {
    let recognizer = try DigitRecognizer(
      checkpoint: checkpoint, threads: data.threadCount, batchSize: batchSize)
    let report = try recognizer.evaluate(on: data.load().test)
    if json {
      print(encodeJSON(report), terminator: "")
      return
    }
    print("\(report.model) on \(report.count) test images (\(checkpoint))\n")
    print(ReportPrinter.summary(report) + "\n")
    print(ReportPrinter.perClass(report) + "\n")
    print("Confusion matrix (rows: true class, columns: predicted)")
    print(ReportPrinter.confusion(report))
  }
}

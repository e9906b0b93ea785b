import ArgumentParser
import DigitsData
import DigitsKernels
import DigitsTraining
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
    Threads.configure(data.threadCount)
    let classifier = try Classifier.load(path: checkpoint)
    let mnist = try MNIST.load(
      directory: data.dataDir ?? MNIST.bundledDirectory, verifyChecksums: data.dataDir == nil)
    let result = try Evaluator(batchSize: batchSize).evaluate(
      classifier.model, data: mnist.test, normalization: classifier.normalization)
    let metrics = ClassificationMetrics(
      labels: result.labels, predictions: result.predictions, classes: classifier.model.classes)
    let report = EvaluationReport(model: classifier.name, metrics: metrics)
    if json {
      print(encodeJSON(report), terminator: "")
      return
    }
    print("\(classifier.name) on \(report.count) test images (\(checkpoint))\n")
    print(ReportPrinter.summary(report) + "\n")
    print(ReportPrinter.perClass(report) + "\n")
    print("Confusion matrix (rows: true class, columns: predicted)")
    print(ReportPrinter.confusion(report))
  }
}

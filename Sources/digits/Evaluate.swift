import ArgumentParser
import DigitsKit
import Foundation

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Evaluate a checkpoint, or an ensemble, on the MNIST test set (or a run's validation split): accuracy, macro precision/recall/F1, confusion matrix.",
    discussion: """
      Reads checkpoints written by `digits train` or by PyTorch (a torchvision ResNet state_dict). \
      Given several checkpoints (--checkpoint A B C, or the flag repeated), averages the models' \
      class probabilities (an ensemble). --split validation scores the images a training run \
      held out instead, e.g. to choose test-time views without looking at the test set.
      """
  )

  @Option(
    parsing: .upToNextOption,
    help: "A .safetensors checkpoint; several (after one flag or by repeating it) for an ensemble.")
  var checkpoint: [String]
  @Flag(
    help: "Average the probabilities of each image and its four one-pixel shifts (test-time augmentation).")
  var tta = false
  @OptionGroup var testViews: TestViewOptions
  @Flag(help: "Print one JSON object instead of tables.") var json = false
  @Option(help: "Images per forward pass.") var batchSize = 256
  @OptionGroup var splitOptions: SplitOptions
  @OptionGroup var data: DataOptions

  func validate() throws {
    if checkpoint.isEmpty { throw InputProblem("--checkpoint is required") }
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
    try testViews.check(tta: tta, enabling: "--tta")
  }

  func run() throws {
    let members = try checkpoint.map(Classifier.load)
    let (images, description) = try splitOptions.images(of: data.load())
    // Unset, the views are the shifts alone (a checkpoint does not record its run's recipe).
    let views = testViews.views(over: TrainingConfig(threads: 1))
    let report = try DigitRecognizer.evaluate(
      members, on: images, threads: data.threadCount, batchSize: batchSize,
      testTimeAugmentation: tta, ttaRotation: views.rotation, ttaScale: views.scale)
    if json {
      print(encodeJSON(report), terminator: "")
      return
    }
    print("\(report.model) on \(description) (\(checkpoint.joined(separator: ", ")))\n")
    print(ReportPrinter.summary(report) + "\n")
    print(ReportPrinter.perClass(report) + "\n")
    print("Confusion matrix (rows: true class, columns: predicted)")
    print(ReportPrinter.confusion(report))
  }
}

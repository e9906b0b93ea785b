import ArgumentParser
import DigitsKit

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Export a checkpoint for other runtimes (ONNX).",
    discussion: """
      Writes the model in eval mode. ONNX: input `pixels`, float [N, C, 28, 28] (C = 1 for \
      MNIST; N, the batch size, is chosen at run time) holding raw pixels in [0, 1]: the \
      checkpoint's normalisation ((x - mean) / std) is inside the graph, so do not normalise \
      them. Output `logits`, float [N, 10]: the scores before softmax (their arg-max is the \
      digit; softmax them for probabilities). Every BatchNorm is folded into the conv before it \
      (there are no BatchNormalization nodes), as digits' own inference does. The file is \
      written atomically: a failure leaves nothing at --out.
      """)

  @Option(help: "A .safetensors checkpoint (from `digits train` or a PyTorch state_dict).")
  var checkpoint: String
  @Option(help: "Output format.") var format: ExportFormat
  @Option(help: ArgumentHelp("The file to write (replaced if it exists).", valueName: "file")) var out: String
  @Option(
    help:
      "ONNX operator set version (\(ONNXOpset.supported.lowerBound) to \(ONNXOpset.supported.upperBound)).")
  var opset = ONNXOpset.defaultVersion

  func validate() throws {
    guard ONNXOpset.supported.contains(opset) else {
      throw InputProblem(
        "--opset must be between \(ONNXOpset.supported.lowerBound) and \(ONNXOpset.supported.upperBound), got \(opset)"
      )
    }
  }

  func run() throws {
    let classifier = try Classifier.load(path: checkpoint)
    switch format {
    case .onnx:
      try ONNXExport.write(classifier, to: out, opset: opset)
      let model = classifier.model
      print(
        "Wrote \(out): \(classifier.name) (\(model.stemLayout.rawValue) stem), ONNX opset \(opset), "
          + "pixels [N, \(model.inputChannels), 28, 28] in [0, 1] → logits [N, \(model.classes)]")
    }
  }
}

/// The file formats `digits export` writes.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
  case onnx
}

import DigitsModels
import DigitsNN

/// A trained classifier as an ONNX model for other runtimes (ONNX Runtime and the like), in eval
/// mode: input `pixels`, float [N, C, 28, 28] with values in [0, 1] (N chosen at run time; the
/// checkpoint's normalisation happens inside the graph), output `logits`, float [N, classes]
/// (before softmax, as the network computes them). Every BatchNorm is folded into the conv
/// before it, so the graph holds Conv, Relu, MaxPool, Add, GlobalAveragePool, Flatten and Gemm
/// after a Sub and a Div. The bytes depend only on the weights, the metadata and the opset.
public enum ONNXExport {
  /// The serialised ModelProto.
  public static func serialize(_ classifier: Classifier, opset: Int = ONNXOpset.defaultVersion) throws
    -> [UInt8]
  {
    guard ONNXOpset.supported.contains(opset) else {
      throw ONNXExportError(
        kind: .unsupportedOpset,
        description:
          "opset \(opset) is not supported (\(ONNXOpset.supported.lowerBound) to \(ONNXOpset.supported.upperBound))"
      )
    }
    let graph = try ResNetGraphBuilder.graph(
      of: classifier.model, normalization: classifier.normalization, name: classifier.name)
    let model = ONNXModel(
      irVersion: ONNXOpset.irVersion(for: opset), opset: opset, producerName: "digits", graph: graph,
      metadata: metadata(classifier))
    return model.serialized()
  }

  /// Writes the model to `path` atomically (temporary file, then rename): a failure leaves no
  /// file there, and an existing file is replaced whole or not at all.
  public static func write(_ classifier: Classifier, to path: String, opset: Int = ONNXOpset.defaultVersion)
    throws
  {
    let bytes = try serialize(classifier, opset: opset)
    do {
      try writeFileAtomically([bytes], to: path)
    } catch let error as SafeTensorsError {
      throw ONNXExportError(kind: .unwritable, description: error.description)
    }
  }

  /// What the checkpoint's metadata says, for whoever loads the file: the model, the stem,
  /// and the normalisation the graph applies.
  private static func metadata(_ classifier: Classifier) -> [(key: String, value: String)] {
    [
      (
        "input",
        "\(ResNetGraphBuilder.inputName): float [N, C, 28, 28], pixels in [0, 1], normalised inside the graph"
      ),
      ("model", classifier.name),
      ("normalization_mean", "\(classifier.normalization.mean)"),
      ("normalization_std", "\(classifier.normalization.std)"),
      ("output", "\(ResNetGraphBuilder.outputName): float [N, classes], before softmax"),
      ("stem", classifier.model.stemLayout.rawValue),
    ]
  }
}

/// Which versions of the default operator set an export may target, and the IR version each
/// needs. Every operator the export writes (Sub, Div, Conv, Relu, MaxPool, Add,
/// GlobalAveragePool, Flatten, Gemm) means the same from opset 9 to 28 for float tensors; 9 is
/// the first whose IR (4) lets initializers stay out of the graph's inputs, 28 the newest that
/// onnx 1.23 and ONNX Runtime 1.32 know.
public enum ONNXOpset {
  public static let supported: ClosedRange<Int> = 9...28
  /// Opset 17 (2022): ONNX Runtime loads it from version 1.12 on.
  public static let defaultVersion = 17

  /// The oldest IR version that carries `opset` (onnx.helper's VERSION_TABLE), so that
  /// runtimes older than the exporter still read the file.
  static func irVersion(for opset: Int) -> Int {
    switch opset {
    case ...9: 4
    case 10: 5
    case 11: 6
    case 12...14: 7
    case 15...18: 8
    case 19...20: 9
    case 21...22: 10
    case 23: 11
    case 24: 12
    case 25...27: 13
    default: 14
    }
  }
}

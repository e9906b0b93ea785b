/// Why an export failed, as one line that names the file or the value: the command line prints
/// it as is.
public struct ONNXExportError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    /// The opset is outside `ONNXOpset.supported`.
    case unsupportedOpset
    /// The network holds a layer, or a layer order, the exporter has no ONNX form for.
    case unsupportedLayer
    /// The output file could not be written; nothing was left at its path.
    case unwritable
  }

  public let kind: Kind
  public let description: String

  public init(kind: Kind, description: String) {
    self.kind = kind
    // One line, whatever a lower layer put in the text.
    self.description = description.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}

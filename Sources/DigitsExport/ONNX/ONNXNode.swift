import DigitsProtobuf

/// onnx.NodeProto: one operator of the default (ai.onnx) domain.
struct ONNXNode {
  let opType: String
  let name: String
  let inputs: [String]
  let outputs: [String]
  let attributes: [ONNXAttribute]

  func encode(into writer: inout ProtobufWriter) {
    for input in inputs { writer.string(1, input) }
    for output in outputs { writer.string(2, output) }
    writer.string(3, name)
    writer.string(4, opType)
    for attribute in attributes { writer.message(5) { attribute.encode(into: &$0) } }
  }
}

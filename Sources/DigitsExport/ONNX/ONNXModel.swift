import DigitsProtobuf

/// onnx.GraphProto: nodes in topological order, the weights as initializers, and the graph's
/// inputs and outputs.
struct ONNXGraph {
  var name: String
  var nodes: [ONNXNode] = []
  var initializers: [ONNXTensor] = []
  var inputs: [ONNXValueInfo] = []
  var outputs: [ONNXValueInfo] = []

  func encode(into writer: inout ProtobufWriter) {
    for node in nodes { writer.message(1) { node.encode(into: &$0) } }
    writer.string(2, name)
    for tensor in initializers { writer.message(5) { tensor.encode(into: &$0) } }
    for input in inputs { writer.message(11) { input.encode(into: &$0) } }
    for output in outputs { writer.message(12) { output.encode(into: &$0) } }
  }
}

/// onnx.ModelProto: the IR version, who wrote it, the graph, the opset of the default domain,
/// and string metadata (`metadata_props`, which ONNX Runtime exposes as the model's
/// custom metadata).
struct ONNXModel {
  let irVersion: Int
  let opset: Int
  let producerName: String
  let graph: ONNXGraph
  let metadata: [(key: String, value: String)]

  func serialized() -> [UInt8] {
    var writer = ProtobufWriter()
    writer.int64(1, irVersion)
    writer.string(2, producerName)
    writer.message(7) { graph.encode(into: &$0) }
    writer.message(8) { opsetID in
      opsetID.string(1, "")
      opsetID.int64(2, opset)
    }
    for entry in metadata {
      writer.message(14) { pair in
        pair.string(1, entry.key)
        pair.string(2, entry.value)
      }
    }
    return writer.bytes
  }
}

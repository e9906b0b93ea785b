import DigitsProtobuf

/// onnx.ValueInfoProto of a float tensor: its name and shape, each dimension a number or a
/// symbolic name (`dim_param`, e.g. "N" for a batch size chosen at run time).
struct ONNXValueInfo {
  enum Dimension {
    case fixed(Int)
    case symbolic(String)
  }

  let name: String
  let shape: [Dimension]

  func encode(into writer: inout ProtobufWriter) {
    writer.string(1, name)
    // TypeProto { tensor_type: TypeProto.Tensor { elem_type, shape: TensorShapeProto } }.
    writer.message(2) { type in
      type.message(1) { tensor in
        tensor.int64(1, ONNXTensor.DataType.float.rawValue)
        tensor.message(2) { tensorShape in
          for dimension in shape {
            tensorShape.message(1) { dim in
              switch dimension {
              case .fixed(let size): dim.int64(1, size)
              case .symbolic(let name): dim.string(2, name)
              }
            }
          }
        }
      }
    }
  }
}

import DigitsProtobuf

/// onnx.AttributeProto: a named int, float, or list of either, with the `type` discriminator
/// the IR requires since version 2.
struct ONNXAttribute {
  enum Value {
    case int(Int)
    case float(Float)
    case ints([Int])
    case floats([Float])
  }

  let name: String
  let value: Value

  static func int(_ name: String, _ value: Int) -> ONNXAttribute {
    ONNXAttribute(name: name, value: .int(value))
  }
  static func ints(_ name: String, _ values: [Int]) -> ONNXAttribute {
    ONNXAttribute(name: name, value: .ints(values))
  }

  /// AttributeProto.AttributeType.
  private var type: Int {
    switch value {
    case .float: 1
    case .int: 2
    case .floats: 6
    case .ints: 7
    }
  }

  func encode(into writer: inout ProtobufWriter) {
    writer.string(1, name)
    switch value {
    case .float(let f): writer.float(2, f)
    case .int(let i): writer.int64(3, i)
    case .floats(let list): for f in list { writer.float(7, f) }
    case .ints(let list): for i in list { writer.int64(8, i) }
    }
    writer.int64(20, type)
  }
}

/// An exported ModelProto read back with the tests' own protobuf decoder, by the field numbers
/// of onnx.proto: what the structure tests look at.
struct DecodedModel {
  struct Attribute {
    let type: Int
    let int: Int?
    let ints: [Int]
    let floats: [Float]
  }

  struct Node {
    let opType: String
    let name: String
    let inputs: [String]
    let outputs: [String]
    let attributes: [String: Attribute]
  }

  struct Tensor {
    let name: String
    let dims: [Int]
    let dataType: Int
    let rawData: [UInt8]

    var floats: [Float] {
      stride(from: 0, to: rawData.count, by: 4).map { offset in
        Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(rawData[offset + $1]) << (8 * $1) })
      }
    }
  }

  /// A graph input or output: element type, and each dimension a number or a name.
  struct Value: Equatable {
    enum Dimension: Equatable {
      case fixed(Int)
      case symbolic(String)
    }
    let name: String
    let elementType: Int
    let shape: [Dimension]
  }

  let irVersion: Int
  let producer: String
  /// (domain, version) of each opset_import.
  let opsets: [(domain: String, version: Int)]
  let metadata: [String: String]
  let graphName: String
  let nodes: [Node]
  let initializers: [Tensor]
  let inputs: [Value]
  let outputs: [Value]

  init(_ bytes: [UInt8]) throws {
    let model = try ProtobufMessage(bytes)
    irVersion = try model.int(1) ?? -1
    producer = model.string(2) ?? ""
    opsets = try model.messages(8).map { ($0.string(1) ?? "", try $0.int(2) ?? -1) }
    metadata = Dictionary(
      uniqueKeysWithValues: try model.messages(14).map { ($0.string(1) ?? "", $0.string(2) ?? "") })
    guard let graph = try model.message(7) else {
      throw ProtobufMessage.DecodingError(description: "no graph")
    }
    graphName = graph.string(2) ?? ""
    nodes = try graph.messages(1).map { node in
      let attributes = try node.messages(5).map { attribute in
        (
          attribute.string(1) ?? "",
          Attribute(
            type: try attribute.int(20) ?? 0, int: try attribute.int(3), ints: try attribute.ints(8),
            floats: attribute.floats(7))
        )
      }
      return Node(
        opType: node.string(4) ?? "", name: node.string(3) ?? "", inputs: node.strings(1),
        outputs: node.strings(2),
        attributes: Dictionary(uniqueKeysWithValues: attributes))
    }
    initializers = try graph.messages(5).map { tensor in
      Tensor(
        name: tensor.string(8) ?? "", dims: try tensor.ints(1), dataType: try tensor.int(2) ?? 0,
        rawData: tensor.byteStrings(9).last ?? [])
    }
    inputs = try graph.messages(11).map(Self.value)
    outputs = try graph.messages(12).map(Self.value)
  }

  /// ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type, shape { dim... } } } }.
  private static func value(_ info: ProtobufMessage) throws -> Value {
    let tensor = try info.message(2)?.message(1)
    let dims = try tensor?.message(2)?.messages(1) ?? []
    return Value(
      name: info.string(1) ?? "", elementType: try tensor?.int(1) ?? 0,
      shape: try dims.map { dim in
        if let size = try dim.int(1) { return .fixed(size) }
        return .symbolic(dim.string(2) ?? "")
      })
  }

  func initializer(_ name: String) -> Tensor? { initializers.first { $0.name == name } }
}

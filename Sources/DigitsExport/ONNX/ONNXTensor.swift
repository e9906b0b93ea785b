import DigitsProtobuf

/// onnx.TensorProto, for initializers: dims, data_type, name and the values as raw_data
/// (little-endian, as the ONNX spec fixes it whatever the machine).
struct ONNXTensor {
  /// TensorProto.DataType values.
  enum DataType: Int {
    case float = 1
    case int64 = 7
  }

  let name: String
  let dims: [Int]
  let dataType: DataType
  let rawData: [UInt8]

  init(name: String, dims: [Int], floats: [Float]) {
    precondition(dims.reduce(1, *) == floats.count, "\(name): \(floats.count) values for dims \(dims)")
    self.name = name
    self.dims = dims
    dataType = .float
    #if _endian(little)
      rawData = floats.withUnsafeBytes { Array($0) }
    #else
      rawData = floats.flatMap { value in
        stride(from: 0, to: 32, by: 8).map { UInt8(truncatingIfNeeded: value.bitPattern >> $0) }
      }
    #endif
  }

  func encode(into writer: inout ProtobufWriter) {
    // proto2 `repeated int64` without [packed = true]: one tag per value, as onnx's own
    // serializer writes it.
    for dim in dims { writer.int64(1, dim) }
    writer.int64(2, dataType.rawValue)
    writer.string(8, name)
    writer.bytes(9, rawData)
  }
}

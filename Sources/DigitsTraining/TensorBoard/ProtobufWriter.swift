/// The few protocol-buffer encodings a TensorBoard event needs (varints, 32- and 64-bit
/// little-endian scalars, length-delimited strings and messages), written by hand so that the
/// package needs no protobuf library. Fields are appended in the order they are written.
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  private enum WireType: UInt64 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
  }

  /// int64 and enum fields: negative numbers take ten bytes, as protobuf's two's complement does.
  mutating func varint(_ field: Int, _ value: Int64) {
    key(field, .varint)
    appendVarint(UInt64(bitPattern: value))
  }

  mutating func double(_ field: Int, _ value: Double) {
    key(field, .fixed64)
    appendLittleEndian(value.bitPattern)
  }

  mutating func float(_ field: Int, _ value: Float) {
    key(field, .fixed32)
    appendLittleEndian(value.bitPattern)
  }

  mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

  mutating func message(_ field: Int, _ message: ProtobufWriter) { bytes(field, message.bytes) }

  private mutating func bytes(_ field: Int, _ value: [UInt8]) {
    key(field, .lengthDelimited)
    appendVarint(UInt64(value.count))
    bytes += value
  }

  private mutating func key(_ field: Int, _ type: WireType) {
    appendVarint(UInt64(field) << 3 | type.rawValue)
  }

  private mutating func appendVarint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7f) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }
}

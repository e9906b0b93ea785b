/// The Protocol Buffers wire format, as much of it as ONNX's messages and TensorBoard's events
/// need: varints, fixed 32- and 64-bit values and length-delimited fields (strings, bytes,
/// nested messages). Hand-written so that neither adds a dependency; the encoding is documented
/// at https://protobuf.dev/programming-guides/encoding/. Fields are appended as they are written.
public struct ProtobufWriter {
  /// The low three bits of a field's tag: how its value is laid out.
  public enum WireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
  }

  public private(set) var bytes: [UInt8] = []

  public init() {}

  /// Seven bits per byte, least significant group first, the high bit set on all but the last.
  public mutating func varint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  public mutating func tag(_ field: Int, _ wireType: WireType) {
    varint(UInt64(field) << 3 | UInt64(wireType.rawValue))
  }

  /// An int32 or int64 field (also enums): negative values take ten bytes, as protobuf's
  /// two's-complement varint encoding of int64 says (not zigzag: that is only for sint64).
  public mutating func int64(_ field: Int, _ value: Int) {
    tag(field, .varint)
    varint(UInt64(bitPattern: Int64(value)))
  }

  /// A float field: four bytes, little-endian.
  public mutating func float(_ field: Int, _ value: Float) {
    tag(field, .fixed32)
    littleEndian(UInt64(value.bitPattern), byteCount: 4)
  }

  /// A double field: eight bytes, little-endian.
  public mutating func double(_ field: Int, _ value: Double) {
    tag(field, .fixed64)
    littleEndian(value.bitPattern, byteCount: 8)
  }

  public mutating func bytes(_ field: Int, _ value: [UInt8]) {
    tag(field, .lengthDelimited)
    varint(UInt64(value.count))
    bytes += value
  }

  public mutating func string(_ field: Int, _ value: String) {
    bytes(field, Array(value.utf8))
  }

  /// A nested message already encoded.
  public mutating func message(_ field: Int, _ message: ProtobufWriter) {
    bytes(field, message.bytes)
  }

  /// A nested message: encoded on its own first, since its length comes before it.
  public mutating func message(_ field: Int, _ encode: (inout ProtobufWriter) -> Void) {
    var nested = ProtobufWriter()
    encode(&nested)
    bytes(field, nested.bytes)
  }

  private mutating func littleEndian(_ value: UInt64, byteCount: Int) {
    for index in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
  }
}

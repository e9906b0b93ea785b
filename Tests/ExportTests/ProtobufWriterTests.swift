import DigitsProtobuf
import Testing

@testable import DigitsExport

/// The encoder's wire format against encodings worked out by hand from the protobuf
/// documentation (https://protobuf.dev/programming-guides/encoding/), and read back by the
/// tests' own decoder.
@Suite struct ProtobufWriterTests {
  private func encoded(_ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
    var writer = ProtobufWriter()
    body(&writer)
    return writer.bytes
  }

  @Test func varintsTakeSevenBitsPerByte() {
    #expect(encoded { $0.int64(1, 0) } == [0x08, 0x00])
    #expect(encoded { $0.int64(1, 1) } == [0x08, 0x01])
    #expect(encoded { $0.int64(1, 127) } == [0x08, 0x7F])
    #expect(encoded { $0.int64(1, 128) } == [0x08, 0x80, 0x01])
    #expect(encoded { $0.int64(1, 150) } == [0x08, 0x96, 0x01])  // the documentation's example
    #expect(encoded { $0.int64(2, 300) } == [0x10, 0xAC, 0x02])
    // A field number above 15 needs a two-byte tag: (20 << 3) | 0 = 160.
    #expect(encoded { $0.int64(20, 7) } == [0xA0, 0x01, 0x07])
  }

  @Test func negativeIntsAreTenByteTwosComplement() {
    #expect(encoded { $0.int64(1, -1) } == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01])
    #expect(encoded { $0.int64(1, Int.min) } == [0x08] + Array(repeating: 0x80, count: 9) + [0x01])
  }

  @Test func fixedWidthValuesAreLittleEndian() throws {
    // 1.0f is 0x3F800000; 1.0 is 0x3FF0000000000000.
    #expect(encoded { $0.float(2, 1) } == [0x15, 0x00, 0x00, 0x80, 0x3F])
    #expect(encoded { $0.double(3, 1) } == [0x19, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    let message = try ProtobufMessage(encoded { $0.float(2, -0.15625) })
    #expect(message.floats(2) == [-0.15625])
    #expect(try ProtobufMessage(encoded { $0.double(3, .pi) }).double(3) == .pi)
  }

  @Test func lengthDelimitedFieldsCarryTheirLength() throws {
    #expect(encoded { $0.string(2, "testing") } == [0x12, 0x07] + Array("testing".utf8))
    #expect(encoded { $0.string(1, "") } == [0x0A, 0x00])
    // The documentation's nested example: field 3 holding a message whose field 1 is 150.
    #expect(encoded { $0.message(3) { $0.int64(1, 150) } } == [0x1A, 0x03, 0x08, 0x96, 0x01])
    // A 200-byte payload: its length, 200, is a two-byte varint.
    let payload = [UInt8](repeating: 7, count: 200)
    let bytes = encoded { $0.bytes(9, payload) }
    #expect(Array(bytes.prefix(3)) == [0x4A, 0xC8, 0x01] && bytes.count == 203)
    #expect(try ProtobufMessage(bytes).byteStrings(9) == [payload])
  }

  @Test func attributesCarryTheirTypeDiscriminator() throws {
    let cases: [(ONNXAttribute, Int)] = [
      (ONNXAttribute(name: "alpha", value: .float(0.5)), 1), (.int("axis", -1), 2),
      (ONNXAttribute(name: "scales", value: .floats([1, 2])), 6), (.ints("pads", [1, 1, 0, 0]), 7),
    ]
    for (attribute, type) in cases {
      var writer = ProtobufWriter()
      attribute.encode(into: &writer)
      let message = try ProtobufMessage(writer.bytes)
      #expect(message.string(1) == attribute.name)
      #expect(try message.int(20) == type)
      switch attribute.value {
      case .float(let f): #expect(message.floats(2) == [f])
      case .int(let i): #expect(try message.int(3) == i)
      case .floats(let list): #expect(message.floats(7) == list)
      case .ints(let list): #expect(try message.ints(8) == list)
      }
    }
  }
}

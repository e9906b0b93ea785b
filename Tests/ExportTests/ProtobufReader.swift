/// A minimal Protocol Buffers decoder, written independently of the exporter's encoder so that
/// the tests read the bytes as a protobuf parser would: a message is a list of (field, value)
/// pairs in the order they come; nested messages stay bytes until asked for.
struct ProtobufMessage {
  enum Value {
    case varint(UInt64)
    case fixed64(UInt64)
    case bytes(ArraySlice<UInt8>)
    case fixed32(UInt32)
  }

  struct DecodingError: Error, CustomStringConvertible {
    let description: String
  }

  let fields: [(number: Int, value: Value)]

  init(_ bytes: [UInt8]) throws { try self.init(bytes[...]) }

  init(_ bytes: ArraySlice<UInt8>) throws {
    var position = bytes.startIndex
    func varint() throws -> UInt64 {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard position < bytes.endIndex, shift < 64 else {
          throw DecodingError(description: "truncated varint")
        }
        let byte = bytes[position]
        position += 1
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
      }
    }
    func fixed(_ count: Int) throws -> UInt64 {
      guard bytes.endIndex - position >= count else { throw DecodingError(description: "truncated fixed") }
      var result: UInt64 = 0
      for index in 0..<count { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
      position += count
      return result
    }
    var fields: [(Int, Value)] = []
    while position < bytes.endIndex {
      let tag = try varint()
      let number = Int(tag >> 3)
      switch tag & 7 {
      case 0: fields.append((number, .varint(try varint())))
      case 1: fields.append((number, .fixed64(try fixed(8))))
      case 2:
        let length = Int(try varint())
        guard length <= bytes.endIndex - position else { throw DecodingError(description: "truncated bytes") }
        fields.append((number, .bytes(bytes[position..<(position + length)])))
        position += length
      case 5: fields.append((number, .fixed32(UInt32(try fixed(4)))))
      default: throw DecodingError(description: "wire type \(tag & 7) of field \(number)")
      }
    }
    self.fields = fields
  }

  func values(_ number: Int) -> [Value] { fields.filter { $0.number == number }.map(\.value) }

  /// Every value of a repeated int64 field, packed or not; an int64 field's negative values
  /// come back negative.
  func ints(_ number: Int) throws -> [Int] {
    var result: [Int] = []
    for value in values(number) {
      switch value {
      case .varint(let v): result.append(Int(Int64(bitPattern: v)))
      case .bytes(let packed): result += try ProtobufMessage.packedVarints(packed)
      default: throw DecodingError(description: "field \(number) is not an integer")
      }
    }
    return result
  }

  func int(_ number: Int) throws -> Int? { try ints(number).last }

  func floats(_ number: Int) -> [Float] {
    values(number).compactMap { if case .fixed32(let bits) = $0 { Float(bitPattern: bits) } else { nil } }
  }

  func double(_ number: Int) -> Double? {
    values(number).compactMap { if case .fixed64(let bits) = $0 { Double(bitPattern: bits) } else { nil } }
      .last
  }

  func byteStrings(_ number: Int) -> [[UInt8]] {
    values(number).compactMap { if case .bytes(let b) = $0 { Array(b) } else { nil } }
  }

  func strings(_ number: Int) -> [String] { byteStrings(number).map { String(decoding: $0, as: UTF8.self) } }
  func string(_ number: Int) -> String? { strings(number).last }

  func messages(_ number: Int) throws -> [ProtobufMessage] {
    try values(number).compactMap { if case .bytes(let b) = $0 { try ProtobufMessage(b) } else { nil } }
  }

  func message(_ number: Int) throws -> ProtobufMessage? { try messages(number).last }

  private static func packedVarints(_ bytes: ArraySlice<UInt8>) throws -> [Int] {
    var result: [Int] = []
    var value: UInt64 = 0
    var shift: UInt64 = 0
    for byte in bytes {
      value |= UInt64(byte & 0x7F) << shift
      shift += 7
      if byte < 0x80 {
        result.append(Int(Int64(bitPattern: value)))
        (value, shift) = (0, 0)
      }
    }
    guard shift == 0 else { throw DecodingError(description: "truncated packed varint") }
    return result
  }
}

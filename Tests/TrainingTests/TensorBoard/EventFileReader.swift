import DigitsTraining
import Foundation

/// One Event read back from an event file: the fields a run writes.
struct DecodedEvent {
  var wallTime = 0.0
  var step = 0
  var fileVersion: String?
  var sessionStart = false
  var scalars: [(tag: String, value: Float)] = []
}

/// A scalar as TensorBoard would draw it.
struct ScalarPoint: Hashable {
  var tag: String
  var step: Int
  var value: Float
}

/// Reads TensorBoard event files back for the tests, independently of the writer: TFRecord
/// framing with both checksums checked by a bit-at-a-time CRC-32C (not the library's table), and
/// a protobuf decoder for Event, Summary, Summary.Value and SessionLog.
enum EventFileReader {
  struct Damaged: Error, CustomStringConvertible {
    var description: String
  }

  /// The event files of a run folder, in the name order TensorBoard reads them in.
  static func files(in folder: RunFolder) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasPrefix("events.out.tfevents.") }.sorted().map(folder.file)
  }

  static func events(path: String) throws -> [DecodedEvent] {
    try records([UInt8](FileManager.default.contents(atPath: path) ?? Data())).map(event)
  }

  /// The scalars of a run folder after TensorBoard's purge: files in name order, and each
  /// SessionLog START at step s drops every scalar read so far whose step is s or more
  /// (EventAccumulator with purge_orphaned_data, the default).
  static func purgedScalars(in folder: RunFolder) throws -> [ScalarPoint] {
    var points: [ScalarPoint] = []
    for file in try files(in: folder) {
      for event in try events(path: file) {
        if event.sessionStart { points.removeAll { $0.step >= event.step } }
        points += event.scalars.map { ScalarPoint(tag: $0.tag, step: event.step, value: $0.value) }
      }
    }
    return points
  }

  static func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var records: [[UInt8]] = []
    var at = 0
    while at < bytes.count {
      guard at + 12 <= bytes.count else { throw Damaged(description: "truncated header at byte \(at)") }
      let lengthBytes = Array(bytes[at..<(at + 8)])
      guard littleEndian(bytes[(at + 8)..<(at + 12)]) == maskedCRC(lengthBytes) else {
        throw Damaged(description: "length checksum at byte \(at)")
      }
      let length = Int(littleEndian(lengthBytes[...]) as UInt64)
      let start = at + 12
      guard start + length + 4 <= bytes.count else { throw Damaged(description: "truncated record at \(at)") }
      let data = Array(bytes[start..<(start + length)])
      guard littleEndian(bytes[(start + length)..<(start + length + 4)]) == maskedCRC(data) else {
        throw Damaged(description: "data checksum at byte \(at)")
      }
      records.append(data)
      at = start + length + 4
    }
    return records
  }

  static func event(_ bytes: [UInt8]) throws -> DecodedEvent {
    var event = DecodedEvent()
    for field in try fields(bytes) {
      switch (field.number, field.value) {
      case (1, .fixed64(let bits)): event.wallTime = Double(bitPattern: bits)
      case (2, .varint(let step)): event.step = Int(Int64(bitPattern: step))
      case (3, .bytes(let text)): event.fileVersion = String(decoding: text, as: UTF8.self)
      case (5, .bytes(let summary)):
        for value in try fields(summary) where value.number == 1 {
          guard case .bytes(let entry) = value.value else { throw Damaged(description: "Summary.value") }
          event.scalars.append(try scalar(entry))
        }
      case (7, .bytes(let log)):
        event.sessionStart = try fields(log).contains { $0.number == 1 && $0.value == .varint(1) }
      default: throw Damaged(description: "unexpected Event field \(field.number)")
      }
    }
    return event
  }

  private static func scalar(_ bytes: [UInt8]) throws -> (tag: String, value: Float) {
    var tag: String?
    var value: Float?
    for field in try fields(bytes) {
      switch (field.number, field.value) {
      case (1, .bytes(let text)): tag = String(decoding: text, as: UTF8.self)
      case (2, .fixed32(let bits)): value = Float(bitPattern: bits)
      default: throw Damaged(description: "unexpected Summary.Value field \(field.number)")
      }
    }
    guard let tag, let value else { throw Damaged(description: "Summary.Value without tag or simple_value") }
    return (tag, value)
  }

  enum FieldValue: Equatable {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes([UInt8])
  }

  static func fields(_ bytes: [UInt8]) throws -> [(number: Int, value: FieldValue)] {
    var fields: [(Int, FieldValue)] = []
    var at = 0
    func varint() throws -> UInt64 {
      var (value, shift) = (UInt64(0), UInt64(0))
      while true {
        guard at < bytes.count, shift < 64 else { throw Damaged(description: "truncated varint") }
        let byte = bytes[at]
        at += 1
        value |= UInt64(byte & 0x7f) << shift
        if byte < 0x80 { return value }
        shift += 7
      }
    }
    func take(_ count: Int) throws -> ArraySlice<UInt8> {
      guard count >= 0, at + count <= bytes.count else { throw Damaged(description: "truncated field") }
      defer { at += count }
      return bytes[at..<(at + count)]
    }
    while at < bytes.count {
      let key = try varint()
      let number = Int(key >> 3)
      switch key & 7 {
      case 0: fields.append((number, .varint(try varint())))
      case 1: fields.append((number, .fixed64(littleEndian(try take(8)))))
      case 2: fields.append((number, .bytes(Array(try take(Int(try varint()))))))
      case 5: fields.append((number, .fixed32(littleEndian(try take(4)))))
      default: throw Damaged(description: "wire type \(key & 7)")
      }
    }
    return fields
  }

  private static func littleEndian<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>) -> T {
    bytes.reversed().reduce(T(0)) { $0 << 8 | T($1) }
  }

  /// CRC-32C one bit at a time, masked as TFRecord masks it.
  static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc = ~UInt32(0)
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    crc = ~crc
    return ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8
  }
}

import Foundation
import TestSupport
import Testing

@testable import DigitsTraining

/// The bytes of the event files: CRC-32C against RFC 3720's vectors, the Event encodings against
/// what protobuf's own serialiser writes, and a written file read back record by record.
struct EventFileFormatTests {
  static func bytes(hex: String) -> [UInt8] {
    stride(from: 0, to: hex.count, by: 2).map {
      UInt8(hex.dropFirst($0).prefix(2), radix: 16)!
    }
  }

  /// RFC 3720 (iSCSI), appendix B.4, and the usual check value of "123456789"; the masked
  /// values are tensorboard's masked_crc32c of the same bytes.
  @Test func crc32cMatchesPublishedVectors() {
    let vectors: [([UInt8], UInt32, UInt32)] = [
      ([UInt8](repeating: 0, count: 32), 0x8A91_36AA, 0x0FD7_FFFA),
      ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43, 0xF909_B029),
      (Array(0...31), 0x46DD_794E, 0x951F_7892),
      (Array("123456789".utf8), 0xE306_9283, 0xC78A_B0E5),
      ([], 0, 0xA282_EAD8),
    ]
    for (bytes, crc, masked) in vectors {
      #expect(CRC32C.checksum(bytes) == crc)
      #expect(CRC32C.masked(bytes) == masked)
      #expect(EventFileReader.maskedCRC(bytes) == masked)
    }
  }

  /// The hex strings are `Event(...).SerializeToString()` from tensorboard 2.21's event_pb2, and
  /// the record is what its RecordWriter wrote for the file-version event.
  @Test func eventsMatchProtobufSerializer() {
    let wallTime = 1_700_000_000.25
    #expect(
      TensorBoardEvent.scalars(wallTime: wallTime, step: 300, [("train/loss", 0.5), ("train/lr", 0.001)])
        == Self.bytes(
          hex:
            "0900001040fc54d94110ac022a240a110a0a747261696e2f6c6f7373150000003f0a0f0a08747261696e2f6c72156f12833a"
        ))
    let version = TensorBoardEvent.fileVersion(wallTime: wallTime)
    #expect(version == Self.bytes(hex: "0900001040fc54d9411a0d627261696e2e4576656e743a32"))
    #expect(
      TensorBoardEvent.sessionStart(wallTime: wallTime, step: 129)
        == Self.bytes(hex: "0900001040fc54d9411081013a020801"))
    #expect(
      TFRecord.frame(version)
        == Self.bytes(hex: "1800000000000000a37f4b22") + version + Self.bytes(hex: "338d2fe9"))
  }

  @Test func writtenFileReadsBackRecordByRecord() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    var log = try EventLog(folder: RunFolder(folder.path), firstStep: 7, now: start)
    try log.add(step: 7, [("train/loss", 2.25), ("train/lr", 1e-3)], now: start)
    try log.add(step: 8, [("epoch/val_acc", -0.0), ("epoch/val_loss", .infinity)], now: start)
    try log.flush(now: start)

    let events = try EventFileReader.events(path: log.path)
    #expect(events.count == 4)
    #expect(events[0].fileVersion == "brain.Event:2")
    #expect(events[0].wallTime == 1_700_000_000)
    #expect(events[1].sessionStart && events[1].step == 7)
    #expect(events[2].step == 7)
    #expect(events[2].scalars.map(\.tag) == ["train/loss", "train/lr"])
    #expect(events[2].scalars.map(\.value) == [2.25, 1e-3])
    #expect(events[3].step == 8)
    #expect(events[3].scalars.map(\.value.bitPattern) == [Float(-0.0).bitPattern, Float.infinity.bitPattern])
  }

  @Test func damagedRecordIsNoticed() throws {
    var record = TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: 1))
    #expect(try EventFileReader.records(record).count == 1)
    record[20] ^= 1
    #expect(throws: EventFileReader.Damaged.self) { try EventFileReader.records(record) }
  }

  /// Records wait in memory until an epoch ends, or until they have waited `flushInterval`.
  @Test func recordsAreAppendedWholeOnceDue() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let start = Date()
    var log = try EventLog(folder: RunFolder(folder.path), firstStep: 1, now: start)
    func count() throws -> Int { try EventFileReader.events(path: log.path).count }
    try log.add(step: 1, [("train/loss", 1)], now: start)
    #expect(try count() == 2)
    try log.add(step: 2, [("train/loss", 1)], now: start.addingTimeInterval(EventLog.flushInterval))
    #expect(try count() == 4)
  }

  /// A session started within the same second as the one before it still sorts after it, so
  /// that TensorBoard reads its START last.
  @Test func laterSessionsSortAfterEarlierOnes() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let now = Date()
    let paths = try (1...3).map { try EventLog(folder: RunFolder(folder.path), firstStep: $0, now: now).path }
    #expect(Set(paths).count == 3)
    #expect(paths == paths.sorted())
    #expect(paths.allSatisfy { ($0 as NSString).lastPathComponent.hasPrefix("events.out.tfevents.") })
  }

  @Test func unwritableFolderIsOneLineError() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write([1], to: "plain-file")
    do {
      _ = try EventLog(folder: RunFolder(file), firstStep: 1)
      Issue.record("a run folder that is a file was accepted")
    } catch let error as TrainingError {
      guard case .cannotWrite(let path, _) = error else { throw error }
      #expect(path.hasPrefix(file + "/events.out.tfevents."))
      #expect(!error.description.contains("\n"))
    }
  }
}

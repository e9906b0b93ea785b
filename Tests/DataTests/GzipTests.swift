import DigitsData
import Testing

@Suite struct GzipTests {
  /// `printf 'hello\n' | gzip -n`
  static let helloGzip: [UInt8] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48,
    0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00, 0x20, 0x30, 0x3a, 0x36, 0x06, 0x00,
    0x00, 0x00,
  ]

  static func isCorruptGzip(_ error: DataError) -> Bool {
    if case .corruptGzip = error { true } else { false }
  }

  @Test func decompressesGzip() throws {
    #expect(try gunzipIfNeeded(Self.helloGzip, path: "hello.gz") == Array("hello\n".utf8))
  }

  @Test func passesRawBytesThrough() throws {
    let raw: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 0]
    #expect(try gunzipIfNeeded(raw, path: "labels-idx1-ubyte") == raw)
    #expect(try gunzipIfNeeded([], path: "empty") == [])
  }

  /// Detection goes by the magic bytes, not the name.
  @Test func decompressesGzipWithoutGzName() throws {
    #expect(try gunzipIfNeeded(Self.helloGzip, path: "hello") == Array("hello\n".utf8))
  }

  /// The last member's ISIZE undercounts the total, so the output has to grow.
  @Test func decompressesConcatenatedMembers() throws {
    let twice = try gunzipIfNeeded(Self.helloGzip + Self.helloGzip, path: "twice.gz")
    #expect(twice == Array("hello\nhello\n".utf8))
  }

  @Test func decompressesBundledLabels() throws {
    let bytes = try gunzipIfNeeded(try BundledMNIST.bytes(of: .testLabels), path: "t10k-labels-idx1-ubyte.gz")
    #expect(bytes.count == 10_008)
    #expect(md5Hex(bytes) == MNISTFile.testLabels.mnistMD5)
  }

  @Test func rejectsGzNameWithoutMagic() {
    expectDataError(.notGzip(path: "x/labels.gz"), naming: "labels.gz") {
      _ = try gunzipIfNeeded([0, 0, 8, 1], path: "x/labels.gz")
    }
  }

  @Test func rejectsStreamCutInHalf() throws {
    let whole = try BundledMNIST.bytes(of: .testLabels)
    expectDataError(naming: "cut.gz", where: Self.isCorruptGzip) {
      _ = try gunzipIfNeeded(Array(whole[..<(whole.count / 2)]), path: "cut.gz")
    }
  }

  @Test func rejectsHeaderOnly() {
    expectDataError(naming: "short.gz", where: Self.isCorruptGzip) {
      _ = try gunzipIfNeeded([0x1f, 0x8b], path: "short.gz")
    }
  }

  @Test func rejectsDamagedBytes() throws {
    var damaged = try BundledMNIST.bytes(of: .testLabels)
    for offset in stride(from: 100, to: 200, by: 7) { damaged[offset] ^= 0x5a }
    expectDataError(naming: "damaged.gz", where: Self.isCorruptGzip) {
      _ = try gunzipIfNeeded(damaged, path: "damaged.gz")
    }
  }

  @Test func rejectsGarbageAfterStream() {
    expectDataError(naming: "tail.gz", where: Self.isCorruptGzip) {
      _ = try gunzipIfNeeded(Self.helloGzip + [1, 2, 3], path: "tail.gz")
    }
  }

  @Test func rejectsWrongLengthTrailer() {
    var lying = Self.helloGzip
    lying[lying.count - 4] = 7
    expectDataError(naming: "lying.gz", where: Self.isCorruptGzip) {
      _ = try gunzipIfNeeded(lying, path: "lying.gz")
    }
  }
}

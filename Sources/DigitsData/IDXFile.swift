/// Magic numbers of the IDX format: two zero bytes, the element type (0x08 = unsigned byte) and
/// the number of dimensions, read big-endian.
public enum IDXMagic {
  public static let images: UInt32 = 0x0000_0803
  public static let labels: UInt32 = 0x0000_0801
}

/// Reads an IDX file, raw or gzip-compressed, and returns its uncompressed bytes.
public func readIDXBytes(path: String) throws -> [UInt8] {
  let bytes = try gunzipIfNeeded(try readFileBytes(path: path), path: path)
  guard !bytes.isEmpty else { throw DataError.emptyFile(path: path) }
  return bytes
}

/// The fixed-size part of an IDX file: the magic number and one UInt32 per dimension.
struct IDXHeader {
  let dimensions: [Int]
  let length: Int

  init(_ bytes: [UInt8], path: String, magic: UInt32) throws {
    let rank = Int(magic & 0xff)
    length = 4 + 4 * rank
    // The magic comes first so that a file of the wrong kind is named as such, not as short.
    guard bytes.count >= 4 else {
      throw DataError.truncatedHeader(path: path, length: bytes.count, headerLength: length)
    }
    let found = bigEndianUInt32(bytes, at: 0)
    guard found == magic else { throw DataError.wrongMagic(path: path, found: found, expected: magic) }
    guard bytes.count >= length else {
      throw DataError.truncatedHeader(path: path, length: bytes.count, headerLength: length)
    }
    dimensions = (0..<rank).map { Int(bigEndianUInt32(bytes, at: 4 + 4 * $0)) }
    if let zero = dimensions.firstIndex(of: 0) {
      throw DataError.wrongDimensions(
        path: path, detail: "dimension \(zero) is 0 in \(formatted), every dimension must be > 0")
    }
  }

  var formatted: String { dimensions.map(String.init).joined(separator: "x") }

  /// Checks that the payload after the header is exactly one byte per element.
  func checkLength(of bytes: [UInt8], path: String) throws {
    var elements = 1
    for dimension in dimensions {
      let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
      guard !overflow else {
        throw DataError.wrongDimensions(path: path, detail: "\(formatted) elements overflow")
      }
      elements = product
    }
    let expected = length + elements
    if bytes.count < expected {
      throw DataError.truncatedData(path: path, length: bytes.count, expectedLength: expected)
    }
    if bytes.count > expected {
      throw DataError.trailingBytes(path: path, length: bytes.count, expectedLength: expected)
    }
  }
}

func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
  UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
    | UInt32(bytes[offset + 3])
}

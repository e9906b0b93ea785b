/// The framing of a TFRecord file, which TensorBoard event files are: per record the data's
/// length (uint64, little-endian), the masked CRC-32C of those eight bytes, the data, and the
/// masked CRC-32C of the data.
enum TFRecord {
  static func frame(_ data: [UInt8]) -> [UInt8] {
    let length = littleEndian(UInt64(data.count))
    return length + littleEndian(CRC32C.masked(length)) + data + littleEndian(CRC32C.masked(data))
  }

  private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }
}

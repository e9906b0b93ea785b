/// CRC-32C (Castagnoli, the iSCSI checksum of RFC 3720), which TFRecord files use to guard each
/// record's length and data.
enum CRC32C {
  /// The reflected polynomial 0x1EDC6F41, one entry per byte value.
  private static let table: [UInt32] = (0...255).map { byte in
    (0..<8).reduce(UInt32(byte)) { crc, _ in crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
  }

  static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    ~bytes.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
  }

  /// The checksum as TFRecord stores it: rotated and offset, because a CRC computed over data
  /// that itself holds CRCs is weak (TensorFlow's crc32c::Mask).
  static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
    let crc = checksum(bytes)
    return ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8
  }
}

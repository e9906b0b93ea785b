import CDigitsZlib

/// PNG files built chunk by chunk (signature, IHDR, PLTE and tRNS when given, one IDAT, IEND),
/// for the variants stb_image_write cannot write: 16-bit samples and palettes.
enum PNGBytes {
  enum ColorType: UInt8 {
    case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
  }

  /// `rows` holds each row's packed bytes (16-bit samples big-endian), without filter bytes.
  static func encode(
    width: Int, height: Int, colorType: ColorType, bitDepth: UInt8, rows: [[UInt8]],
    palette: [UInt8]? = nil, transparency: [UInt8]? = nil
  ) -> [UInt8] {
    var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
    header += [bitDepth, colorType.rawValue, 0, 0, 0]
    var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    file += chunk("IHDR", header)
    if let palette { file += chunk("PLTE", palette) }
    if let transparency { file += chunk("tRNS", transparency) }
    file += chunk("IDAT", zlibCompress(rows.flatMap { [0] + $0 }))  // filter type 0 on every row
    file += chunk("IEND", [])
    return file
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  /// A 16-bit sample as PNG stores it.
  static func sample16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

  private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + data
    let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
    return bigEndian(UInt32(data.count)) + typed + bigEndian(UInt32(crc))
  }

  private static func zlibCompress(_ bytes: [UInt8]) -> [UInt8] {
    var length = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(length))
    let status = compress2(&out, &length, bytes, uLong(bytes.count), Z_BEST_COMPRESSION)
    precondition(status == Z_OK, "zlib compress2 failed: \(status)")
    return Array(out.prefix(Int(length)))
  }
}

/// Binary PGM (P5): maxval 255 stores a byte per sample, above 255 two, big-endian.
enum PGMBytes {
  static func encode(width: Int, height: Int, maxValue: Int = 255, samples: [Int]) -> [UInt8] {
    let body = samples.flatMap { maxValue > 255 ? PNGBytes.sample16(UInt16($0)) : [UInt8($0)] }
    return Array("P5\n# digits test\n\(width) \(height)\n\(maxValue)\n".utf8) + body
  }
}

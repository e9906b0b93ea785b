/// The chunk layout of a PNG, checked before stb_image sees it: stb_image 2.27 grows its IDAT
/// buffer to the length a chunk claims (doubling, up to 2 GiB) before it reads the chunk, so a
/// 746-byte file could make it allocate 2 GiB (found by scripts/fuzz.sh; the input is
/// Tests/Fixtures/fuzz-regressions/image/png-idat-claims-2GiB.png). Every chunk must fit in the
/// bytes that are there; then stb's buffers stay within twice the file's size.
enum PNGChunks {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  static func hasSignature(_ bytes: [UInt8]) -> Bool {
    bytes.count >= signature.count && bytes[..<signature.count].elementsEqual(signature)
  }

  /// nil when every chunk up to IEND (or the end of the bytes) fits; else why not, in the words
  /// `ImageError.undecodable` shows.
  static func problem(in bytes: [UInt8]) -> String? {
    var offset = signature.count
    while offset + 8 <= bytes.count {
      let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let left = bytes.count - offset - 12
      if length > left {
        return "PNG chunk \(type.debugDescription) claims \(length) bytes but only \(max(left, 0)) follow; "
          + "the file is cut short or damaged"
      }
      if type == "IEND" { return nil }
      offset += 12 + length
    }
    return nil
  }
}

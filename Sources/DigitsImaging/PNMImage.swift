/// Binary PGM (P5) and PPM (P6), read here rather than by stb_image: Debian 12's stb_image 2.27
/// ignores short reads in its PNM loader (a truncated file decodes to uninitialised memory),
/// reads 16-bit samples in host byte order, and does not scale by the header's maxval.
/// Samples come out as 8 bits, scaled so that maxval is 255.
struct PNMImage {
  let width: Int
  let height: Int
  let channels: Int
  let samples: [UInt8]

  /// "P" and a digit: any of the netpbm formats, supported or not.
  static func hasSignature(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == UInt8(ascii: "P")
      && (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(bytes[1])
  }

  init(_ bytes: [UInt8], name: String) throws {
    let fail = { (reason: String) in ImageError.undecodable(name: name, reason: reason) }
    guard bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "6") else {
      throw fail("netpbm P\(Character(UnicodeScalar(bytes[1]))) is not supported; save as binary PGM (P5)")
    }
    var header = PNMHeaderReader(bytes: bytes, position: 2)
    guard let width = header.integer(), let height = header.integer(), let maxValue = header.integer(),
      width > 0, height > 0, (1...65535).contains(maxValue), header.position < bytes.count
    else { throw fail("bad PGM/PPM header") }
    guard width * height <= DigitImage.maximumPixels else {
      throw ImageError.tooLarge(name: name, width: width, height: height)
    }
    channels = bytes[1] == UInt8(ascii: "6") ? 3 : 1
    let bytesPerSample = maxValue > 255 ? 2 : 1
    let count = width * height * channels
    let start = header.position + 1  // one whitespace byte ends the header
    guard bytes.count - start >= count * bytesPerSample else {
      throw fail("pixel data cut short: \(max(0, bytes.count - start)) of \(count * bytesPerSample) bytes")
    }
    self.width = width
    self.height = height
    samples = (0..<count).map { i in
      let value =
        bytesPerSample == 2
        ? Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1]) : Int(bytes[start + i])
      return UInt8(min(255, (value * 255 + maxValue / 2) / maxValue))
    }
  }
}

/// The header's decimal fields, separated by whitespace and `#` comments running to the line end.
private struct PNMHeaderReader {
  let bytes: [UInt8]
  /// After `integer()`: the byte that ended the number. Numbers stop growing past 2^24, so a
  /// header of huge values reads as a bad or too large image rather than overflowing.
  var position: Int

  mutating func integer() -> Int? {
    while position < bytes.count {
      if bytes[position] == UInt8(ascii: "#") {
        while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
      } else if [9, 10, 11, 12, 13, 32].contains(bytes[position]) {
        position += 1
      } else {
        break
      }
    }
    var value = 0
    let first = position
    while position < bytes.count, (48...57).contains(bytes[position]), value <= 1 << 24 {
      value = value * 10 + Int(bytes[position] - 48)
      position += 1
    }
    return position > first ? value : nil
  }
}

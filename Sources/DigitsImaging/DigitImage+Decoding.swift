import CDigitsStbImage
import DigitsData

extension DigitImage {
  /// Decoding allocates width x height x channels bytes: refuse sizes no photo of a digit needs
  /// (a few hundred bytes of PNG can claim gigapixels).
  public static let maximumPixels = 64 << 20

  /// Reads and decodes an image file. The content decides the format, not the file name: a JPEG
  /// named .png decodes, a text file named .png is an error that names the file.
  public init(contentsOfFile path: String) throws {
    try self.init(encoded: try readFileBytes(path: path), name: path)
  }

  /// Decodes PNG (gray, gray+alpha, RGB, RGBA, palette; 8 or 16 bit) and JPEG through stb_image,
  /// binary PGM/PPM (8 or 16 bit) through `PNMImage`, to grayscale; `name` is what errors call
  /// the input.
  public init(encoded bytes: [UInt8], name: String) throws {
    guard !bytes.isEmpty else { throw ImageError.empty(name: name) }
    if PNMImage.hasSignature(bytes) {
      let pnm = try PNMImage(bytes, name: name)
      let gray = [UInt8](unsafeUninitializedCapacity: pnm.width * pnm.height) { buffer, initialized in
        grayscale(
          pnm.samples, channels: pnm.channels, count: pnm.width * pnm.height, into: buffer.baseAddress!)
        initialized = pnm.width * pnm.height
      }
      self.init(width: pnm.width, height: pnm.height, pixels: gray)
      return
    }
    guard bytes.count <= Int(Int32.max) else {
      throw ImageError.undecodable(name: name, reason: "file larger than 2 GB")
    }
    if PNGChunks.hasSignature(bytes), let problem = PNGChunks.problem(in: bytes) {
      throw ImageError.undecodable(name: name, reason: problem)
    }
    var width: Int32 = 0
    var height: Int32 = 0
    var channels: Int32 = 0
    // The header alone gives the size. When stbi_info fails, the load below fails too, and with
    // a more specific reason than info's catch-all "unknown image type".
    let known = bytes.withUnsafeBufferPointer {
      stbi_info_from_memory($0.baseAddress, Int32($0.count), &width, &height, &channels)
    }
    guard known == 0 || Int(width) * Int(height) <= Self.maximumPixels else {
      throw ImageError.tooLarge(name: name, width: Int(width), height: Int(height))
    }
    // 0 requested channels: the file's own (1 to 4); 16-bit samples come back as 8-bit.
    let decoded = bytes.withUnsafeBufferPointer {
      stbi_load_from_memory($0.baseAddress, Int32($0.count), &width, &height, &channels, 0)
    }
    guard let decoded else { throw ImageError.undecodable(name: name, reason: stbFailureReason()) }
    defer { stbi_image_free(decoded) }
    let count = Int(width) * Int(height)
    let gray = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      grayscale(decoded, channels: Int(channels), count: count, into: buffer.baseAddress!)
      initialized = count
    }
    self.init(width: Int(width), height: Int(height), pixels: gray)
  }
}

/// stb_image keeps the reason of its last failure per thread.
private func stbFailureReason() -> String {
  stbi_failure_reason().map { String(cString: $0) } ?? "unknown error"
}

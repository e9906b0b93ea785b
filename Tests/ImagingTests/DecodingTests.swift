import DigitsImaging
import TestSupport
import Testing

/// Every documented input format decodes to the expected grayscale: luminance from RGB (BT.601),
/// alpha composited over white, 16-bit samples reduced to their high byte, palettes expanded.
@Suite struct DecodingTests {
  /// Red, green, blue, mid gray, white, black: their BT.601 luminances (PIL's rounding).
  static let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 0, 0, 0]
  static let rgbGray: [UInt8] = [76, 150, 29, 128, 255, 0]
  /// Gray samples and alphas: opaque, transparent (so white), half (composited over white).
  static let gray: [UInt8] = [0, 0, 0, 200, 90, 255]
  static let alpha: [UInt8] = [255, 0, 128, 255, 0, 128]
  static let grayOverWhite: [UInt8] = [0, 255, 127, 200, 255, 255]

  private func decode(_ bytes: [UInt8]) throws -> DigitImage {
    let image = try DigitImage(encoded: bytes, name: "test")
    #expect(image.width == 3 && image.height == 2)
    return image
  }

  @Test func gray8PNG() throws {
    #expect(try decode(ImageEncoder.png(Self.gray, width: 3, height: 2)).pixels == Self.gray)
  }

  @Test func grayAlpha8PNG() throws {
    let interleaved = zip(Self.gray, Self.alpha).flatMap { [$0, $1] }
    let image = try decode(ImageEncoder.png(interleaved, width: 3, height: 2, channels: 2))
    #expect(image.pixels == Self.grayOverWhite)
  }

  @Test func rgb8PNG() throws {
    #expect(try decode(ImageEncoder.png(Self.rgb, width: 3, height: 2, channels: 3)).pixels == Self.rgbGray)
  }

  @Test func rgba8PNG() throws {
    // Opaque colours keep their luminance; a transparent red is white paper.
    var rgba: [UInt8] = []
    for i in 0..<6 { rgba += Self.rgb[(3 * i)..<(3 * i + 3)] + [i == 0 ? 0 : 255] }
    let image = try decode(ImageEncoder.png(rgba, width: 3, height: 2, channels: 4))
    #expect(image.pixels == [255] + Self.rgbGray.dropFirst())
  }

  @Test func gray16PNG() throws {
    let samples: [UInt16] = [0, 0x8000, 0xFFFF, 0x1234, 0x00FF, 0xFF00]
    let rows = (0..<2).map { y in samples[(3 * y)..<(3 * y + 3)].flatMap(PNGBytes.sample16) }
    let image = try decode(PNGBytes.encode(width: 3, height: 2, colorType: .gray, bitDepth: 16, rows: rows))
    #expect(image.pixels == [0, 128, 255, 0x12, 0, 0xFF])
  }

  @Test func rgb16PNG() throws {
    let rows = (0..<2).map { y in
      Self.rgb[(9 * y)..<(9 * y + 9)].flatMap { PNGBytes.sample16(UInt16($0) * 257) }
    }
    let image = try decode(PNGBytes.encode(width: 3, height: 2, colorType: .rgb, bitDepth: 16, rows: rows))
    #expect(image.pixels == Self.rgbGray)
  }

  @Test func rgba16PNG() throws {
    let rows = (0..<2).map { y in
      (0..<3).flatMap { x in
        let i = 3 * y + x
        return (Self.rgb[(3 * i)..<(3 * i + 3)] + [Self.alpha[i]]).flatMap {
          PNGBytes.sample16(UInt16($0) * 257)
        }
      }
    }
    let image = try decode(PNGBytes.encode(width: 3, height: 2, colorType: .rgba, bitDepth: 16, rows: rows))
    // Red opaque 76; green transparent: white; blue at alpha 128 over white:
    // (29*128 + 255*127 + 127) / 255; black at alpha 128: (255*127 + 127) / 255.
    #expect(image.pixels == [76, 255, 142, 128, 255, 127])
  }

  @Test func palettePNGWithTransparency() throws {
    // Entries: black, white, red, a transparent blue; 8-bit indices, then the same at 2 bits.
    let palette: [UInt8] = [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]
    let indices: [UInt8] = [0, 1, 2, 3, 2, 0]
    let eightBit = PNGBytes.encode(
      width: 3, height: 2, colorType: .palette, bitDepth: 8,
      rows: [Array(indices[0..<3]), Array(indices[3..<6])],
      palette: palette, transparency: [255, 255, 255, 0])
    #expect(try decode(eightBit).pixels == [0, 255, 76, 255, 76, 0])
    let packed = [
      indices[0] << 6 | indices[1] << 4 | indices[2] << 2,
      indices[3] << 6 | indices[4] << 4 | indices[5] << 2,
    ]
    let twoBit = PNGBytes.encode(
      width: 3, height: 2, colorType: .palette, bitDepth: 2, rows: [[packed[0]], [packed[1]]],
      palette: palette,
      transparency: [255, 255, 255, 0])
    #expect(try decode(twoBit).pixels == [0, 255, 76, 255, 76, 0])
  }

  @Test func jpegGrayAndRGB() throws {
    // Flat 16x16 blocks survive JPEG within a few levels.
    let side = 16
    let grayPixels = (0..<(side * side)).map { $0 % side < side / 2 ? UInt8(40) : UInt8(220) }
    let gray = try DigitImage(
      encoded: ImageEncoder.jpeg(grayPixels, width: side, height: side), name: "g.jpg")
    #expect(maxDifference(gray.pixels, grayPixels) <= 4)
    let rgbPixels = grayPixels.flatMap { [$0, $0, $0] }
    let rgb = try DigitImage(
      encoded: ImageEncoder.jpeg(rgbPixels, width: side, height: side, channels: 3, quality: 95),
      name: "c.jpg")
    #expect(maxDifference(rgb.pixels, grayPixels) <= 4)
  }

  @Test func pgm8And16Bit() throws {
    let values = [0, 50, 100, 150, 200, 255]
    let eight = try decode(PGMBytes.encode(width: 3, height: 2, samples: values))
    #expect(eight.pixels == values.map(UInt8.init))
    let sixteen = try decode(
      PGMBytes.encode(width: 3, height: 2, maxValue: 65535, samples: values.map { $0 * 257 }))
    #expect(sixteen.pixels == values.map(UInt8.init))
  }

  @Test func formatComesFromContentNotName() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.write(ImageEncoder.jpeg([128], width: 1, height: 1), to: "really-a-jpeg.png")
    #expect(try DigitImage(contentsOfFile: path).pixels.count == 1)
  }
}

func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
  zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

import DigitsData
import DigitsImaging
import TestSupport
import Testing

/// Files that are not images fail with one line that names the file and says what is wrong;
/// nothing crashes or decodes garbage.
@Suite struct MalformedImageTests {
  static let validPNG: [UInt8] = {
    var random = TestRandom(seed: 3)
    let noise = (0..<(64 * 64)).map { _ in UInt8.random(in: 0...255, using: &random) }
    return ImageEncoder.png(noise, width: 64, height: 64)
  }()

  /// Writes `bytes` as `name`, decodes it, and returns the error's one line.
  private func failure(_ bytes: [UInt8], name: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws
    -> String
  {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.write(bytes, to: name)
    do {
      let image = try DigitImage(contentsOfFile: path)
      Issue.record("\(name) decoded as \(image.width)x\(image.height)", sourceLocation: sourceLocation)
      return ""
    } catch {
      let line = "\(error)"
      #expect(line.hasPrefix(path + ": "), "\(line)", sourceLocation: sourceLocation)
      #expect(!line.contains("\n"), sourceLocation: sourceLocation)
      return line
    }
  }

  @Test func emptyFile() throws {
    #expect(try failure([], name: "empty.png").contains("file is empty"))
  }

  @Test func truncatedPNG() throws {
    let line = try failure(Array(Self.validPNG.prefix(Self.validPNG.count / 2)), name: "truncated.png")
    #expect(line.contains("cut short"), "\(line)")
  }

  @Test func textNamedPNG() throws {
    let line = try failure(Array("just some text, not a picture\n".utf8), name: "notes.png")
    #expect(line.contains("unknown image type"), "\(line)")
  }

  @Test func gifNamedPNG() throws {
    // A GIF header: stb_image could read GIF, but the build admits PNG and JPEG only.
    let line = try failure(Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0, 0x3B], name: "animated.png")
    #expect(line.contains("unknown image type"), "\(line)")
  }

  @Test func corruptJPEGAndPNGHeaders() throws {
    #expect(try failure([0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3], name: "broken.jpg").contains("cannot decode"))
    #expect(try failure(Array(Self.validPNG.prefix(20)), name: "header-only.png").contains("cannot decode"))
  }

  @Test func truncatedAndUnsupportedPGM() throws {
    let full = PGMBytes.encode(width: 28, height: 28, samples: Array(repeating: 0, count: 784))
    #expect(try failure(Array(full.dropLast(100)), name: "short.pgm").contains("cut short: 684 of 784 bytes"))
    #expect(try failure(Array("P2\n2 1\n255\n0 255\n".utf8), name: "ascii.pgm").contains("not supported"))
    #expect(try failure(Array("P5\n2\n".utf8), name: "header.pgm").contains("bad PGM/PPM header"))
  }

  @Test func hugeDimensionsAreRefusedBeforeDecoding() throws {
    // A header without pixel data claiming 400 megapixels: refused by size, not decoded.
    let header = PNGBytes.encode(width: 20_000, height: 20_000, colorType: .gray, bitDepth: 8, rows: [])
    #expect(try failure(header, name: "bomb.png").contains("more than the 64 megapixel limit"))
    // Beyond stb_image's own limit (2^30 bytes), its reason is passed on.
    let larger = PNGBytes.encode(width: 100_000, height: 100_000, colorType: .gray, bitDepth: 8, rows: [])
    #expect(try failure(larger, name: "bigger.png").contains("(too large)"))
  }

  @Test func missingFileNamesTheSystemReason() throws {
    do {
      _ = try DigitImage(contentsOfFile: "/nonexistent/digit.png")
      Issue.record("a missing file decoded")
    } catch {
      #expect("\(error)" == "/nonexistent/digit.png: cannot read file (No such file or directory)")
    }
  }
}

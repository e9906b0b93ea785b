import DigitsImaging
import TestSupport
import Testing

/// Every input in Tests/Fixtures/fuzz-regressions/image (scripts/fuzz.sh) is rejected by image
/// import with a one-line ImageError that names the file; none may abort in stb_image.
@Suite struct ImageFuzzRegressionTests {
  static let paths = FuzzRegressions.paths("image")

  @Test func inputsArePresent() {
    #expect(!Self.paths.isEmpty, "no inputs in \(FuzzRegressions.directory("image"))")
  }

  @Test(arguments: paths)
  func rejectedWithoutCrashing(_ path: String) {
    do {
      let image = try DigitImage(contentsOfFile: path)
      Issue.record("\(path) decoded as \(image.width)x\(image.height)")
    } catch let error as ImageError {
      #expect(error.description.hasPrefix(path + ": "), "\(error)")
      #expect(!error.description.contains("\n"), "\(error)")
    } catch {
      Issue.record("unexpected error type: \(error)")
    }
  }

  /// The input that aborted the process: its scan reads a Huffman table the file never defined,
  /// which stb_image took from uninitialised memory (now zeroed, see stb_image.c).
  @Test func jpegWithUndefinedHuffmanTableIsRejected() {
    let path = FuzzRegressions.directory("image") + "/jpeg-undefined-huffman-table.jpg"
    #expect(throws: ImageError.undecodable(name: path, reason: "bad huffman code")) {
      _ = try DigitImage(contentsOfFile: path)
    }
  }
}

import DigitsImaging
import Foundation
import TestSupport
import Testing

/// Seeded corruptions of real PNG, JPEG and PGM files: every mutant decodes or is rejected with
/// an ImageError naming the file; none may trap (stb_image and the PNM reader both).
@Suite struct ImageMutationTests {
  static let digit: [UInt8] = (0..<(56 * 56)).map { UInt8(truncatingIfNeeded: $0 * 37 % 251) }

  @Test(arguments: ["png", "jpg", "pgm"])
  func corruptedImagesNeverCrash(_ format: String) {
    let valid: [UInt8]
    switch format {
    case "png": valid = ImageEncoder.png(Self.digit, width: 56, height: 56)
    case "jpg": valid = ImageEncoder.jpeg(Self.digit, width: 56, height: 56)
    default: valid = Array("P5\n56 56\n255\n".utf8) + Self.digit
    }
    var mutator = Mutator(seed: 3)
    for mutant in mutator.mutants(of: valid, count: 1000) {
      do {
        _ = try DigitImage(encoded: mutant, name: "fuzz.\(format)")
      } catch let error as ImageError {
        #expect(error.description.contains("fuzz.\(format)"), "\(error)")
      } catch {
        Issue.record("unexpected error type: \(error)")
      }
    }
  }
}

import DigitsData
import DigitsImaging
import Foundation
import TestSupport

/// What the server tests serve and send: PyTorch's tiny ResNet fixture (random weights, so the
/// tests compare answers with `digits predict` rather than with labels) and MNIST test digits
/// exported as a person would photograph them.
enum ServerFixtures {
  static let checkpoint = Fixture.fixturesDirectory + "/checkpoint_tiny.safetensors"
  static let test = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false).test

  /// Test digit `index` at 4x as dark-on-light RGB, PNG or JPEG encoded.
  static func encodedDigit(_ index: Int, jpeg: Bool = false) -> [UInt8] {
    let rgb = exportedDigit(test.pixels[(index * 784)..<((index + 1) * 784)])
    return jpeg
      ? ImageEncoder.jpeg(rgb, width: 112, height: 112, channels: 3)
      : ImageEncoder.png(rgb, width: 112, height: 112, channels: 3)
  }

  /// The prediction JSON the API and `digits predict --json` share.
  struct Answer: Decodable, Equatable {
    let file: String
    let digit: Int
    let probabilities: [Float]

    /// The same file and digit, each probability within 1e-5: what one image gets alone and in
    /// a batch, whose sums run in another order.
    func agrees(with other: Answer) -> Bool {
      file == other.file && digit == other.digit
        && maxAbsDifference(probabilities, other.probabilities) <= 1e-5
    }
  }

  static func answer(_ body: Foundation.Data) throws -> Answer {
    try JSONDecoder().decode(Answer.self, from: body)
  }
}

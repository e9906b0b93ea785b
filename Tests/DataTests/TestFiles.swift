import DigitsData
import Foundation
import TestSupport
import Testing

/// Checks that `body` throws a `DataError` matching `matches` whose one-line description names
/// `fileName`.
func expectDataError(
  naming fileName: String, sourceLocation: SourceLocation = #_sourceLocation,
  where matches: (DataError) -> Bool, _ body: () throws -> Void
) {
  let error = #expect(throws: DataError.self, sourceLocation: sourceLocation) { try body() }
  guard let error else { return }
  #expect(matches(error), "unexpected \(error)", sourceLocation: sourceLocation)
  #expect(error.description.contains(fileName), "\(error)", sourceLocation: sourceLocation)
  #expect(!error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
}

func expectDataError(
  _ expected: DataError, naming fileName: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  expectDataError(naming: fileName, sourceLocation: sourceLocation, where: { $0 == expected }, body)
}

/// The bundled MNIST, read and checksum-verified once for the whole test target.
enum BundledMNIST {
  static let loaded = Result { try MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: true) }

  static func bytes(of file: MNISTFile) throws -> [UInt8] {
    let path = MNIST.bundledDirectory + "/" + file.rawValue + ".gz"
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }
}

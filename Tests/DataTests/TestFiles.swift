import Data
import Foundation
import Testing

/// A fresh temporary folder per test, for writing malformed files.
struct TemporaryDirectory {
  let path: String

  init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("DataTests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `bytes` to `name` in the folder and returns the file's path.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) throws -> String {
    let file = path + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    return file
  }

  func delete(_ name: String) throws {
    try FileManager.default.removeItem(atPath: path + "/" + name)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Builds IDX files byte by byte.
enum IDXBytes {
  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
  }

  static func images(count: UInt32, rows: UInt32, cols: UInt32, pixels: [UInt8]? = nil) -> [UInt8] {
    let body = pixels ?? (0..<Int(count * rows * cols)).map { UInt8($0 % 256) }
    return bigEndian(IDXMagic.images) + bigEndian(count) + bigEndian(rows) + bigEndian(cols) + body
  }

  static func labels(_ labels: [UInt8]) -> [UInt8] {
    bigEndian(IDXMagic.labels) + bigEndian(UInt32(labels.count)) + labels
  }
}

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

import DigitsData
import Foundation

/// A few hundred real MNIST digits written as raw IDX files in a temporary folder, so tests can
/// train and evaluate through `--data-dir` in seconds.
public enum SmallMNIST {
  static let bundled = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false)

  /// Writes the first `train` training and `test` test images; returns the folder.
  public static func write(train: Int, test: Int) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "digits-small-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (set, count, prefix) in [(bundled.train, train, "train"), (bundled.test, test, "t10k")] {
      let pixels = Array(set.pixels.prefix(count * set.pixelsPerImage))
      try Foundation.Data(IDXBytes.images(count: count, rows: set.rows, cols: set.cols, pixels: pixels))
        .write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
      try Foundation.Data(IDXBytes.labels(Array(set.labels.prefix(count))))
        .write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }
    return folder.path
  }

  /// Runs `body` with a folder that `write` made and an empty folder for output, and removes
  /// both afterwards.
  public static func withData<Result>(
    train: Int, test: Int, _ body: (_ data: String, _ out: TemporaryFolder) throws -> Result
  ) throws -> Result {
    let data = try write(train: train, test: test)
    let out = try TemporaryFolder()
    defer {
      out.remove()
      try? FileManager.default.removeItem(atPath: data)
    }
    return try body(data, out)
  }
}

/// Builds IDX files byte by byte (big-endian header, then the data).
public enum IDXBytes {
  public static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
  }

  public static func images(count: Int, rows: Int, cols: Int, pixels: [UInt8]? = nil) -> [UInt8] {
    let body = pixels ?? (0..<(count * rows * cols)).map { UInt8($0 % 256) }
    return bigEndian(IDXMagic.images) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows))
      + bigEndian(UInt32(cols))
      + body
  }

  public static func labels(_ labels: [UInt8]) -> [UInt8] {
    bigEndian(IDXMagic.labels) + bigEndian(UInt32(labels.count)) + labels
  }
}

/// The MNIST training and test sets (or any data set in the same four-file IDX layout).
public struct MNIST: Sendable {
  public let train: LabeledImages
  public let test: LabeledImages

  public static let classes = 10

  /// Loads the four files from `directory` (each raw or `.gz`). `verifyChecksums` compares the
  /// uncompressed files with the published MNIST MD5s: right for the bundled copy, wrong for
  /// other data sets in the same layout.
  public static func load(directory: String, verifyChecksums: Bool) throws -> MNIST {
    guard fileExists(directory) else { throw DataError.missingDirectory(path: directory) }
    let read = { (file: MNISTFile) throws -> (bytes: [UInt8], path: String) in
      let path = try file.locate(in: directory)
      let bytes = try readIDXBytes(path: path)
      if verifyChecksums { try verifyMD5(bytes, expected: file.mnistMD5, path: path) }
      return (bytes, path)
    }
    let trainImages = try read(.trainImages)
    let train = try IDXImages.parse(trainImages.bytes, path: trainImages.path)
    let testImages = try read(.testImages)
    let test = try IDXImages.parse(
      testImages.bytes, path: testImages.path, expectedRows: train.rows, expectedCols: train.cols)
    let trainLabels = try read(.trainLabels)
    let testLabels = try read(.testLabels)
    return MNIST(
      train: try LabeledImages(
        images: train, labels: IDXLabels.parse(trainLabels.bytes, path: trainLabels.path),
        classes: classes),
      test: try LabeledImages(
        images: test, labels: IDXLabels.parse(testLabels.bytes, path: testLabels.path),
        classes: classes))
  }

  /// The copy that ships in the repository (`data/mnist`, found from this source file's path),
  /// or `DIGITS_DATA_DIR` when set, for installs that moved the data elsewhere.
  public static var bundledDirectory: String {
    if let override = environmentValue("DIGITS_DATA_DIR"), !override.isEmpty { return override }
    // #filePath is <repo>/Sources/DigitsData/MNIST.swift; drop the last three components.
    var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)
    return components.joined(separator: "/") + "/data/mnist"
  }
}

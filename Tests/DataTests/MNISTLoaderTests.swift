import DigitsData
import TestSupport
import Testing

/// `MNIST.load` on small four-file folders written for each test.
@Suite struct MNISTLoaderTests {
  let directory: TemporaryFolder

  init() throws { directory = try TemporaryFolder() }

  /// A tiny data set in the MNIST layout: 3 training and 2 test images of 4x4.
  private func writeTinySet(testRows: Int = 4, testLabels: [UInt8] = [7, 2]) throws {
    try directory.write(IDXBytes.images(count: 3, rows: 4, cols: 4), to: "train-images-idx3-ubyte")
    try directory.write(IDXBytes.labels([5, 0, 4]), to: "train-labels-idx1-ubyte")
    try directory.write(IDXBytes.images(count: 2, rows: testRows, cols: 4), to: "t10k-images-idx3-ubyte")
    try directory.write(IDXBytes.labels(testLabels), to: "t10k-labels-idx1-ubyte")
  }

  @Test func loadsAnyDataSetInTheLayout() throws {
    defer { directory.remove() }
    try writeTinySet()
    let set = try MNIST.load(directory: directory.path, verifyChecksums: false)
    #expect((set.train.count, set.train.rows, set.train.cols, set.train.labels) == (3, 4, 4, [5, 0, 4]))
    #expect((set.test.count, set.test.labels) == (2, [7, 2]))
  }

  @Test func checksumsRejectOtherData() throws {
    defer { directory.remove() }
    try writeTinySet()
    expectDataError(
      naming: "train-images-idx3-ubyte", where: { if case .checksumMismatch = $0 { true } else { false } }
    ) {
      _ = try MNIST.load(directory: directory.path, verifyChecksums: true)
    }
  }

  @Test func missingFileListsTheNamesTried() throws {
    defer { directory.remove() }
    try writeTinySet()
    try directory.delete("t10k-labels-idx1-ubyte")
    let expected = DataError.missingFile(
      directory: directory.path, triedNames: ["t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz"])
    expectDataError(expected, naming: directory.path) {
      _ = try MNIST.load(directory: directory.path, verifyChecksums: false)
    }
    #expect(expected.description.contains("t10k-labels-idx1-ubyte.gz"))
  }

  @Test func missingDirectory() {
    let path = directory.path + "/nowhere"
    directory.remove()
    expectDataError(.missingDirectory(path: path), naming: "nowhere") {
      _ = try MNIST.load(directory: path, verifyChecksums: false)
    }
  }

  @Test func testImagesMustMatchTrainingSize() throws {
    defer { directory.remove() }
    try writeTinySet(testRows: 5)
    expectDataError(
      naming: "t10k-images-idx3-ubyte", where: { if case .wrongDimensions = $0 { true } else { false } }
    ) {
      _ = try MNIST.load(directory: directory.path, verifyChecksums: false)
    }
  }

  @Test func labelOutOfRange() throws {
    defer { directory.remove() }
    try writeTinySet(testLabels: [7, 10])
    expectDataError(
      naming: "t10k-labels-idx1-ubyte", where: { if case .labelOutOfRange = $0 { true } else { false } }
    ) {
      _ = try MNIST.load(directory: directory.path, verifyChecksums: false)
    }
  }

  @Test func countMismatch() throws {
    defer { directory.remove() }
    try writeTinySet(testLabels: [7, 2, 1])
    expectDataError(
      naming: "t10k-labels-idx1-ubyte", where: { if case .countMismatch = $0 { true } else { false } }
    ) {
      _ = try MNIST.load(directory: directory.path, verifyChecksums: false)
    }
  }
}

import DigitsData
import TestSupport
import Testing

/// Each broken file must throw the matching `DataError`, naming the file, never trap.
@Suite struct MalformedIDXTests {
  let directory: TemporaryFolder

  init() throws { directory = try TemporaryFolder() }

  private func writeImages(_ bytes: [UInt8], name: String = "images-idx3-ubyte") throws -> String {
    try directory.write(bytes, to: name)
  }

  @Test func emptyFile() throws {
    defer { directory.remove() }
    let path = try writeImages([])
    expectDataError(.emptyFile(path: path), naming: "images-idx3-ubyte") {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func emptyGzFile() throws {
    defer { directory.remove() }
    let path = try writeImages([], name: "images-idx3-ubyte.gz")
    expectDataError(.emptyFile(path: path), naming: "images-idx3-ubyte.gz") {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func missingFile() throws {
    defer { directory.remove() }
    let path = directory.path + "/absent-idx3-ubyte"
    expectDataError(naming: "absent-idx3-ubyte", where: { if case .cannotRead = $0 { true } else { false } })
    {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func truncatedHeader() throws {
    defer { directory.remove() }
    let path = try writeImages(IDXBytes.bigEndian(IDXMagic.images) + IDXBytes.bigEndian(2))
    expectDataError(.truncatedHeader(path: path, length: 8, headerLength: 16), naming: "images-idx3-ubyte") {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func truncatedData() throws {
    defer { directory.remove() }
    let path = try writeImages(Array(IDXBytes.images(count: 2, rows: 28, cols: 28).dropLast(100)))
    expectDataError(
      .truncatedData(path: path, length: 16 + 1568 - 100, expectedLength: 16 + 1568),
      naming: "images-idx3-ubyte"
    ) { _ = try IDXImages.read(path: path) }
  }

  @Test func trailingBytes() throws {
    defer { directory.remove() }
    let path = try directory.write(IDXBytes.labels([1, 2, 3]) + [0], to: "labels-idx1-ubyte")
    expectDataError(.trailingBytes(path: path, length: 12, expectedLength: 11), naming: "labels-idx1-ubyte") {
      _ = try IDXLabels.read(path: path)
    }
  }

  @Test func labelsReadAsImages() throws {
    defer { directory.remove() }
    let path = try writeImages(IDXBytes.labels([1, 2, 3]))
    let expected = DataError.wrongMagic(path: path, found: IDXMagic.labels, expected: IDXMagic.images)
    expectDataError(expected, naming: "images-idx3-ubyte") { _ = try IDXImages.read(path: path) }
    #expect(expected.description.contains("wrong magic number 0x00000801, expected 0x00000803 (IDX images)"))
  }

  @Test func zeroDimension() throws {
    defer { directory.remove() }
    let path = try writeImages(IDXBytes.images(count: 2, rows: 0, cols: 28))
    expectDataError(
      naming: "images-idx3-ubyte", where: { if case .wrongDimensions = $0 { true } else { false } }
    ) {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func unexpectedImageSize() throws {
    defer { directory.remove() }
    let path = try writeImages(IDXBytes.images(count: 1, rows: 32, cols: 32))
    #expect(try IDXImages.read(path: path).rows == 32)
    expectDataError(
      .wrongDimensions(path: path, detail: "images are 32x32, expected 28x28"), naming: "images-idx3-ubyte"
    ) { _ = try IDXImages.read(path: path, expectedRows: 28, expectedCols: 28) }
  }

  @Test func gzNameWithRawContent() throws {
    defer { directory.remove() }
    let path = try writeImages(IDXBytes.images(count: 1, rows: 2, cols: 2), name: "images-idx3-ubyte.gz")
    expectDataError(.notGzip(path: path), naming: "images-idx3-ubyte.gz") {
      _ = try IDXImages.read(path: path)
    }
  }

  @Test func gzipCutInHalf() throws {
    defer { directory.remove() }
    let whole = try BundledMNIST.bytes(of: .testLabels)
    let path = try directory.write(Array(whole.prefix(whole.count / 2)), to: "t10k-labels-idx1-ubyte.gz")
    expectDataError(
      naming: "t10k-labels-idx1-ubyte.gz", where: { if case .corruptGzip = $0 { true } else { false } }
    ) { _ = try IDXLabels.read(path: path) }
  }

  @Test func validFilesRoundTrip() throws {
    defer { directory.remove() }
    let images = try IDXImages.read(path: try writeImages(IDXBytes.images(count: 3, rows: 2, cols: 4)))
    #expect((images.count, images.rows, images.cols) == (3, 2, 4))
    #expect(images.pixels == (0..<24).map { UInt8($0) })
    let labels = try IDXLabels.read(
      path: try directory.write(IDXBytes.labels([7, 0, 9]), to: "l-idx1-ubyte"))
    #expect(labels.labels == [7, 0, 9])
  }
}

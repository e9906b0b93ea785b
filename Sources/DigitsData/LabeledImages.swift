/// Images with one class label each, ready for batching.
public struct LabeledImages: Sendable {
  public let count: Int
  public let rows: Int
  public let cols: Int
  /// `count * rows * cols` pixels, image after image, each row-major.
  public let pixels: [UInt8]
  public let labels: [UInt8]

  public var pixelsPerImage: Int { rows * cols }

  /// Pairs an image file with its label file, checking that the counts agree and that every
  /// label is below `classes`.
  public init(images: IDXImages, labels: IDXLabels, classes: Int = 10) throws {
    guard images.count == labels.count else {
      throw DataError.countMismatch(
        imagesPath: images.path, imageCount: images.count, labelsPath: labels.path,
        labelCount: labels.count)
    }
    if let bad = labels.labels.firstIndex(where: { Int($0) >= classes }) {
      throw DataError.labelOutOfRange(
        path: labels.path, index: bad, label: Int(labels.labels[bad]), classes: classes)
    }
    self.init(rows: images.rows, cols: images.cols, pixels: images.pixels, labels: labels.labels)
  }

  /// For data made in memory (tests, synthetic sets); the sizes must agree.
  public init(rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) {
    precondition(rows > 0 && cols > 0, "image size must be positive, got \(rows)x\(cols)")
    precondition(pixels.count == labels.count * rows * cols, "pixel count does not match labels")
    self.count = labels.count
    self.rows = rows
    self.cols = cols
    self.pixels = pixels
    self.labels = labels
  }
}

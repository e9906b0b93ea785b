/// A stack of 8-bit grayscale images from an IDX file (magic 0x00000803).
public struct IDXImages: Sendable {
  public let path: String
  public let count: Int
  public let rows: Int
  public let cols: Int
  /// `count * rows * cols` pixels, image after image, each row-major.
  public let pixels: [UInt8]

  /// Reads a raw or `.gz` IDX image file. Passing `expectedRows`/`expectedCols` rejects other
  /// image sizes (the test set must match the training set).
  public static func read(path: String, expectedRows: Int? = nil, expectedCols: Int? = nil) throws
    -> IDXImages
  {
    try parse(readIDXBytes(path: path), path: path, expectedRows: expectedRows, expectedCols: expectedCols)
  }

  /// Parses the uncompressed bytes of an IDX image file; `path` only names it in errors.
  public static func parse(
    _ bytes: [UInt8], path: String, expectedRows: Int? = nil, expectedCols: Int? = nil
  ) throws -> IDXImages {
    guard !bytes.isEmpty else { throw DataError.emptyFile(path: path) }
    let header = try IDXHeader(bytes, path: path, magic: IDXMagic.images)
    let (rows, cols) = (header.dimensions[1], header.dimensions[2])
    if let expectedRows, let expectedCols, rows != expectedRows || cols != expectedCols {
      throw DataError.wrongDimensions(
        path: path, detail: "images are \(rows)x\(cols), expected \(expectedRows)x\(expectedCols)")
    }
    try header.checkLength(of: bytes, path: path)
    return IDXImages(
      path: path, count: header.dimensions[0], rows: rows, cols: cols,
      pixels: Array(bytes[header.length...]))
  }
}

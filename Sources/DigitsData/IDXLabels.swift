/// A vector of 8-bit class labels from an IDX file (magic 0x00000801).
public struct IDXLabels: Sendable {
  public let path: String
  public let count: Int
  public let labels: [UInt8]

  /// Reads a raw or `.gz` IDX label file. Label ranges are checked when they are paired with
  /// images (`LabeledImages`), where the number of classes is known.
  public static func read(path: String) throws -> IDXLabels {
    try parse(readIDXBytes(path: path), path: path)
  }

  /// Parses the uncompressed bytes of an IDX label file; `path` only names it in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws -> IDXLabels {
    guard !bytes.isEmpty else { throw DataError.emptyFile(path: path) }
    let header = try IDXHeader(bytes, path: path, magic: IDXMagic.labels)
    try header.checkLength(of: bytes, path: path)
    return IDXLabels(path: path, count: header.dimensions[0], labels: Array(bytes[header.length...]))
  }
}

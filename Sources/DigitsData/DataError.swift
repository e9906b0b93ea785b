/// Everything that can go wrong while loading or preparing a data set. Each description is one
/// line that starts with the file it is about, so the command line can print it as is.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
  case cannotRead(path: String, reason: String)
  case missingDirectory(path: String)
  case missingFile(directory: String, triedNames: [String])
  case emptyFile(path: String)
  case notGzip(path: String)
  case corruptGzip(path: String, detail: String)
  case truncatedHeader(path: String, length: Int, headerLength: Int)
  case wrongMagic(path: String, found: UInt32, expected: UInt32)
  case wrongDimensions(path: String, detail: String)
  case truncatedData(path: String, length: Int, expectedLength: Int)
  case trailingBytes(path: String, length: Int, expectedLength: Int)
  case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
  case labelOutOfRange(path: String, index: Int, label: Int, classes: Int)
  case checksumMismatch(path: String, found: String, expected: String)
  case invalidParameter(name: String, detail: String)

  public var description: String {
    switch self {
    case .cannotRead(let path, let reason):
      return "\(path): cannot read file (\(reason))"
    case .missingDirectory(let path):
      return "\(path): no such data directory; pass --data-dir with a folder holding the four IDX files"
    case .missingFile(let directory, let names):
      return "\(directory): none of \(names.joined(separator: ", ")) found; the folder needs the four "
        + "IDX files (train/t10k images and labels, raw or .gz)"
    case .emptyFile(let path):
      return "\(path): file is empty; download it again"
    case .notGzip(let path):
      return "\(path): not a gzip file (no 1f 8b magic) although the name ends in .gz; "
        + "decompress it or rename it without .gz"
    case .corruptGzip(let path, let detail):
      return "\(path): corrupt gzip stream (\(detail)); the download is probably incomplete, fetch it again"
    case .truncatedHeader(let path, let length, let headerLength):
      return "\(path): truncated IDX header (\(length) bytes, the header needs \(headerLength))"
    case .wrongMagic(let path, let found, let expected):
      return "\(path): wrong magic number \(hex(found)), expected \(hex(expected)) (\(idxKind(expected)))"
        + magicHint(found: found, expected: expected)
    case .wrongDimensions(let path, let detail):
      return "\(path): wrong dimensions (\(detail))"
    case .truncatedData(let path, let length, let expectedLength):
      return "\(path): truncated data (\(length) bytes, the header implies \(expectedLength)); "
        + "the file is incomplete, fetch it again"
    case .trailingBytes(let path, let length, let expectedLength):
      return "\(path): \(length - expectedLength) trailing bytes (\(length) bytes, the header implies "
        + "\(expectedLength))"
    case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
      return "\(labelsPath): \(labelCount) labels but \(imagesPath) has \(imageCount) images; "
        + "the files belong to different sets"
    case .labelOutOfRange(let path, let index, let label, let classes):
      return "\(path): label \(label) at index \(index) is out of range 0...\(classes - 1)"
    case .checksumMismatch(let path, let found, let expected):
      return "\(path): MD5 of the uncompressed content is \(found), expected \(expected); "
        + "the bundled copy is damaged, restore it with git checkout"
    case .invalidParameter(let name, let detail):
      return "\(name): \(detail)"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

private func idxKind(_ magic: UInt32) -> String {
  switch magic {
  case IDXMagic.images: return "IDX images"
  case IDXMagic.labels: return "IDX labels"
  default: return "IDX"
  }
}

/// Swapped image and label files are the one mistake worth naming outright.
private func magicHint(found: UInt32, expected: UInt32) -> String {
  guard found != expected, found == IDXMagic.images || found == IDXMagic.labels else { return "" }
  return "; this is an \(idxKind(found)) file, are the file names swapped?"
}

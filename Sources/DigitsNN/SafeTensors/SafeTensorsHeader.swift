/// One tensor of a validated header; `range` is absolute in the file's bytes.
struct SafeTensorsEntry: Sendable {
  let dtype: SafeTensorsDType
  let shape: [Int]
  let count: Int
  let range: Range<Int>
}

/// The parsed and fully checked header. Everything is validated here, before any tensor is
/// read, so that later reads cannot fail on a bad offset and no input can make the reader trap.
struct SafeTensorsHeader: Sendable {
  let metadata: [String: String]
  let entries: [String: SafeTensorsEntry]

  /// The Python library's limit; a larger length means the file is not safetensors at all.
  static let maxHeaderBytes = 100_000_000

  init(file bytes: [UInt8], path: String) throws {
    func fail(_ kind: SafeTensorsError.Kind, _ problem: String) -> SafeTensorsError {
      SafeTensorsError(path: path, kind: kind, problem: problem)
    }
    guard bytes.count >= 8 else {
      throw fail(
        .badHeaderLength,
        "file is \(bytes.count) bytes, too short for the 8-byte header length that starts a safetensors file")
    }
    let declared = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let available = bytes.count - 8
    guard declared <= UInt64(available) else {
      throw fail(
        .badHeaderLength,
        "header length \(declared) is larger than the \(available) bytes after it; "
          + "the file is truncated or not a safetensors file")
    }
    guard declared >= 2, declared <= UInt64(Self.maxHeaderBytes) else {
      throw fail(
        .badHeaderLength,
        "header length \(declared) is outside 2...\(Self.maxHeaderBytes); not a safetensors file")
    }
    let headerLength = Int(declared)
    let dataStart = 8 + headerLength
    guard let json = SafeTensorsJSON.parse(bytes[8..<dataStart]) else {
      throw fail(.badHeader, "header is not valid JSON; the file is damaged or not a safetensors file")
    }
    guard case .object(let fields) = json else {
      throw fail(.badHeader, "header is not a JSON object; not a safetensors file")
    }

    var metadata: [String: String] = [:]
    var entries: [String: SafeTensorsEntry] = [:]
    let dataLength = bytes.count - dataStart
    // In name order, so a file with several problems always reports the same one.
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
      if name == "__metadata__" {
        metadata = try Self.metadata(value, fail: fail)
      } else {
        entries[name] = try Self.entry(name, value, dataStart: dataStart, dataLength: dataLength, fail: fail)
      }
    }
    try Self.checkContiguous(entries, dataStart: dataStart, dataLength: dataLength, fail: fail)
    self.metadata = metadata
    self.entries = entries
  }

  private static func metadata(
    _ value: SafeTensorsJSON, fail: (SafeTensorsError.Kind, String) -> SafeTensorsError
  ) throws -> [String: String] {
    guard case .object(let fields) = value else {
      throw fail(.badHeader, "header field \"__metadata__\" is not a JSON object")
    }
    var result: [String: String] = [:]
    for (key, item) in fields {
      guard case .string(let text) = item else {
        throw fail(.badHeader, "metadata value for \"\(key)\" is not a string")
      }
      result[key] = text
    }
    return result
  }

  /// Checks one entry on its own; its offsets are relative to the data, which starts at
  /// `dataStart` in the file.
  private static func entry(
    _ name: String, _ value: SafeTensorsJSON, dataStart: Int, dataLength: Int,
    fail: (SafeTensorsError.Kind, String) -> SafeTensorsError
  ) throws -> SafeTensorsEntry {
    guard case .object(let fields) = value else {
      throw fail(.badHeader, "header entry for tensor \"\(name)\" is not a JSON object")
    }
    guard case .string(let dtypeName)? = fields["dtype"] else {
      throw fail(.badHeader, "tensor \"\(name)\" has no \"dtype\" string in the header")
    }
    guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
      throw fail(
        .unsupportedDType,
        "tensor \"\(name)\" has unsupported dtype \"\(dtypeName)\" (supported: \(SafeTensorsDType.supportedList))"
      )
    }
    guard let shape = naturals(fields["shape"]) else {
      throw fail(.badHeader, "tensor \"\(name)\" has no \"shape\" list of non-negative integers")
    }
    guard let offsets = naturals(fields["data_offsets"]), offsets.count == 2 else {
      throw fail(.badHeader, "tensor \"\(name)\" has no \"data_offsets\" pair of non-negative integers")
    }
    let (begin, end) = (offsets[0], offsets[1])
    let where_ = "tensor \"\(name)\" has data_offsets [\(begin), \(end)]"
    guard let count = product(shape),
      case (let size, false) = count.multipliedReportingOverflow(by: dtype.byteCount)
    else {
      throw fail(.badOffsets, "tensor \"\(name)\" has shape \(shape), too large to address")
    }
    guard begin <= end, end - begin == size else {
      throw fail(
        .badOffsets,
        "\(where_) but dtype \(dtype.rawValue) with shape \(shape) takes \(size) bytes")
    }
    guard end <= dataLength else {
      throw fail(
        .badOffsets,
        "\(where_) but the data after the header is only \(dataLength) bytes; the file is truncated")
    }
    return SafeTensorsEntry(
      dtype: dtype, shape: shape, count: count, range: (dataStart + begin)..<(dataStart + end))
  }

  /// The Python library requires the tensors to tile the data exactly: no overlap, no gaps, no
  /// trailing bytes. Checking the same keeps every file this reader accepts loadable there.
  private static func checkContiguous(
    _ entries: [String: SafeTensorsEntry], dataStart: Int, dataLength: Int,
    fail: (SafeTensorsError.Kind, String) -> SafeTensorsError
  ) throws {
    let ordered = entries.sorted {
      ($0.value.range.lowerBound, $0.value.range.upperBound, $0.key)
        < ($1.value.range.lowerBound, $1.value.range.upperBound, $1.key)
    }
    var covered = 0
    var previous: String?
    for (name, entry) in ordered {
      let begin = entry.range.lowerBound - dataStart
      let end = entry.range.upperBound - dataStart
      if begin < covered {
        throw fail(
          .badOffsets,
          "tensor \"\(name)\" has data_offsets [\(begin), \(end)] overlapping tensor \"\(previous ?? "")\", "
            + "which ends at \(covered)")
      }
      if begin > covered {
        throw fail(
          .badOffsets,
          "tensor \"\(name)\" has data_offsets [\(begin), \(end)], leaving bytes \(covered)..<\(begin) "
            + "of the data unused")
      }
      covered = end
      previous = name
    }
    guard covered == dataLength else {
      throw fail(
        .badOffsets,
        "the data after the header is \(dataLength) bytes but its tensors cover only \(covered)")
    }
  }

  private static func naturals(_ value: SafeTensorsJSON?) -> [Int]? {
    guard case .array(let items)? = value else { return nil }
    var result: [Int] = []
    for item in items {
      guard case .integer(let n) = item, n >= 0 else { return nil }
      result.append(n)
    }
    return result
  }

  private static func product(_ shape: [Int]) -> Int? {
    var result = 1
    for d in shape {
      let (next, overflow) = result.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      result = next
    }
    return result
  }
}

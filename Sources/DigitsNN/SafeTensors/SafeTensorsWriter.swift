/// Builds a safetensors file the way the Python library lays it out, then writes it atomically.
///
/// Layout, as `safetensors.torch.save_file` does it: tensors ordered by descending dtype
/// alignment then name (so every tensor is aligned), the header in that order after a sorted
/// `__metadata__`, padded with spaces to a multiple of 8 bytes.
public struct SafeTensorsWriter {
  public var metadata: [String: String] = [:]
  private var tensors: [(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8])] = []
  /// The first invalid `add`, reported by `write`: adding cannot throw, writing can.
  private var problem: String?

  public init() {}

  public mutating func add(_ name: String, floats: [Float], shape: [Int]) {
    floats.withUnsafeBufferPointer { add(name, floats: $0, shape: shape) }
  }

  public mutating func add(_ name: String, floats: UnsafeBufferPointer<Float>, shape: [Int]) {
    append(name, .f32, shape, count: floats.count, bytes: Array(UnsafeRawBufferPointer(floats)))
  }

  public mutating func add(_ name: String, int64s: [Int64], shape: [Int]) {
    let bytes = int64s.withUnsafeBytes { Array($0) }
    append(name, .i64, shape, count: int64s.count, bytes: bytes)
  }

  private mutating func append(
    _ name: String, _ dtype: SafeTensorsDType, _ shape: [Int], count: Int, bytes: [UInt8]
  ) {
    guard problem == nil else { return }
    var product = 1
    for d in shape {
      let (next, overflow) = product.multipliedReportingOverflow(by: d)
      product = d < 0 || overflow ? -1 : next
      if product < 0 { break }
    }
    if product != count {
      problem = "tensor \"\(name)\" has \(count) elements but shape \(shape) does not hold that many"
    } else if name == "__metadata__" || tensors.contains(where: { $0.name == name }) {
      problem = "tensor name \"\(name)\" is reserved or used twice"
    } else {
      tensors.append((name, dtype, shape, bytes))
    }
  }

  public func write(to path: String) throws {
    if let problem { throw SafeTensorsError(path: path, kind: .invalidTensor, problem: problem) }
    try SafeTensorsPOSIX.writeAtomically(path: path, parts: encoded())
  }

  /// The whole file in memory, for a checkpoint that never touches the disk.
  public func bytes() throws -> [UInt8] {
    if let problem { throw SafeTensorsError(path: "(memory)", kind: .invalidTensor, problem: problem) }
    // Whole runs appended (copies of memory), not `joined()`, whose byte-by-byte iteration took
    // most of a debug build's training time in the snapshots of the best epoch's weights.
    let runs = encoded()
    var whole: [UInt8] = []
    whole.reserveCapacity(runs.reduce(0) { $0 + $1.count })
    for run in runs { whole.append(contentsOf: run) }
    return whole
  }

  /// The file as byte runs: the length prefix and header, then each tensor's data.
  func encoded() -> [[UInt8]] {
    // Descending alignment: of the two dtypes written here, I64 (8 bytes) comes before F32.
    let ordered = tensors.sorted { a, b in
      a.dtype.byteCount != b.dtype.byteCount
        ? a.dtype.byteCount > b.dtype.byteCount : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      let body = pairs.map { SafeTensorsJSON.quoted($0.key) + ":" + SafeTensorsJSON.quoted($0.value) }
      fields.append("\"__metadata__\":{" + body.joined(separator: ",") + "}")
    }
    var offset = 0
    for t in ordered {
      let shape = t.shape.map(String.init).joined(separator: ",")
      fields.append(
        SafeTensorsJSON.quoted(t.name) + ":{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
      offset += t.bytes.count
    }
    var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
    header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
    let length = UInt64(header.count)
    let prefix = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    return [prefix + header] + ordered.map(\.bytes)
  }
}

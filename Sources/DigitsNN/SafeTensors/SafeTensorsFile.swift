/// A safetensors file read into memory, its header validated up front. Typed reads convert to
/// what the layers use and check the dtype and shape each caller expects.
public struct SafeTensorsFile: Sendable {
  public let path: String
  /// The header's `__metadata__` (model name, normalisation, ...).
  public let metadata: [String: String]
  let entries: [String: SafeTensorsEntry]
  let bytes: [UInt8]

  /// Parses a whole file's bytes; `path` only names the file in errors.
  public init(bytes: [UInt8], path: String) throws {
    let header = try SafeTensorsHeader(file: bytes, path: path)
    self.path = path
    self.metadata = header.metadata
    self.entries = header.entries
    self.bytes = bytes
  }

  public static func read(path: String) throws -> SafeTensorsFile {
    try SafeTensorsFile(bytes: SafeTensorsPOSIX.readAll(path: path), path: path)
  }

  /// Tensor names, sorted.
  public var names: [String] { entries.keys.sorted() }

  public func info(_ name: String) -> (dtype: String, shape: [Int])? {
    entries[name].map { ($0.dtype.rawValue, $0.shape) }
  }

  /// An F32 tensor, or an F64 one rounded to Float, in the file's (row-major) order.
  public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
    let entry = try self.entry(name, shape: expected)
    switch entry.dtype {
    case .f32: return copy(entry, as: Float.self)
    case .f64: return copy(entry, as: Double.self).map { Float($0) }
    default: throw wrongDType(name, entry, expected: "F32")
    }
  }

  /// An I64 tensor (BN's num_batches_tracked, labels), or an I32 one widened.
  public func int64s(_ name: String, shape expected: [Int]? = nil) throws -> [Int64] {
    let entry = try self.entry(name, shape: expected)
    switch entry.dtype {
    case .i64: return copy(entry, as: Int64.self)
    case .i32: return copy(entry, as: Int32.self).map { Int64($0) }
    default: throw wrongDType(name, entry, expected: "I64")
    }
  }

  func entry(_ name: String, shape expected: [Int]?) throws -> SafeTensorsEntry {
    guard let entry = entries[name] else {
      throw SafeTensorsError(
        path: path, kind: .missingTensor,
        problem: "missing tensor \"\(name)\" (the file has \(entries.count) tensors; "
          + "is it a checkpoint of a different model?)")
    }
    if let expected, expected != entry.shape {
      throw SafeTensorsError(
        path: path, kind: .wrongShape,
        problem: "tensor \"\(name)\" has shape \(entry.shape) but \(expected) was expected")
    }
    return entry
  }

  private func wrongDType(_ name: String, _ entry: SafeTensorsEntry, expected: String) -> SafeTensorsError {
    SafeTensorsError(
      path: path, kind: .wrongDType,
      problem: "tensor \"\(name)\" has dtype \(entry.dtype.rawValue) but \(expected) was expected "
        + "(convert it before saving, e.g. tensor.float() or tensor.long() in PyTorch)")
  }

  /// Copies the raw little-endian elements; every supported host is little-endian.
  private func copy<T>(_ entry: SafeTensorsEntry, as: T.Type) -> [T] {
    [T](unsafeUninitializedCapacity: entry.count) { buffer, initialized in
      bytes.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: raw[entry.range]))
      }
      initialized = entry.count
    }
  }
}

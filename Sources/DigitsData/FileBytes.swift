#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole file into memory with stdio, so that errors carry the system's reason.
public func readFileBytes(path: String) throws -> [UInt8] {
  guard let file = fopen(path, "rb") else {
    throw DataError.cannotRead(path: path, reason: systemErrorMessage())
  }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  if let size = fileSize(file) { bytes.reserveCapacity(size) }
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    bytes.append(contentsOf: chunk[0..<count])
    if count < chunk.count {
      if ferror(file) != 0 { throw DataError.cannotRead(path: path, reason: systemErrorMessage()) }
      return bytes
    }
  }
}

/// The size is only a capacity hint; directories and pipes report nothing useful.
private func fileSize(_ file: UnsafeMutablePointer<FILE>) -> Int? {
  guard fseek(file, 0, SEEK_END) == 0 else { return nil }
  let size = ftell(file)
  rewind(file)
  return size > 0 && size < (1 << 40) ? size : nil
}

func fileExists(_ path: String) -> Bool {
  access(path, F_OK) == 0
}

func environmentValue(_ name: String) -> String? {
  guard let value = getenv(name) else { return nil }
  return String(cString: value)
}

private func systemErrorMessage() -> String {
  String(cString: strerror(errno))
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// File access for safetensors through POSIX calls: errno gives one-line reasons, and fsync plus
/// rename make writes atomic, which Foundation's file APIs do not promise on Linux.
enum SafeTensorsPOSIX {
  private static func reason() -> String { String(cString: strerror(errno)) }

  static func readAll(path: String) throws -> [UInt8] {
    func fail(_ problem: String) -> SafeTensorsError {
      SafeTensorsError(path: path, kind: .unreadable, problem: problem)
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw fail("cannot open: \(reason())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw fail("cannot stat: \(reason())") }
    guard info.st_mode & S_IFMT == S_IFREG else { throw fail("is not a regular file") }
    let size = Int(info.st_size)
    var failure: String?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      initialized = 0
      while initialized < size {
        let chunk = min(size - initialized, 1 << 30)
        let n = read(fd, buffer.baseAddress! + initialized, chunk)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 {
          failure = n == 0 ? "file shrank while being read" : "cannot read: \(reason())"
          return
        }
        initialized += n
      }
    }
    if let failure { throw fail(failure) }
    return bytes
  }

  /// Writes `parts` to a temporary file beside `path`, fsyncs it, then renames it over `path`,
  /// so a crash or kill leaves either the old file or the complete new one, never half of one.
  static func writeAtomically(path: String, parts: [[UInt8]]) throws {
    func fail(_ problem: String) -> SafeTensorsError {
      SafeTensorsError(path: path, kind: .unwritable, problem: problem)
    }
    let slash = path.lastIndex(of: "/")
    let base = String(slash.map { path[path.index(after: $0)...] } ?? path[...])
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    guard !base.isEmpty, base != ".", base != ".." else { throw fail("is not a file name") }
    let temporary = "\(directory)/.\(base).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"

    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw fail(
        "cannot create a file in \(directory): \(reason()) (does the folder exist and is it writable?)")
    }
    var failure: String?
    for part in parts where failure == nil {
      failure = part.withUnsafeBytes { writeAll(fd, $0) }
    }
    if failure == nil && fsync(fd) != 0 { failure = "cannot flush: \(reason())" }
    if close(fd) != 0 && failure == nil { failure = "cannot close: \(reason())" }
    if failure == nil && rename(temporary, path) != 0 { failure = "cannot replace: \(reason())" }
    if let failure {
      unlink(temporary)
      throw fail(failure)
    }
    // Persist the rename itself; a failure here cannot lose data already in place.
    let dirfd = open(directory, O_RDONLY | O_CLOEXEC)
    if dirfd >= 0 {
      _ = fsync(dirfd)
      close(dirfd)
    }
  }

  /// Returns why not, or nil once every byte is written.
  private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    var done = 0
    while done < bytes.count {
      let n = write(fd, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30))
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return "cannot write: \(n == 0 ? "no progress" : reason())" }
      done += n
    }
    return nil
  }
}

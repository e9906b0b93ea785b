import CDigitsBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// OpenBLAS, opened on first use instead of linked, so that a program can set its environment
/// before the library's constructor reads it: `digits` sets OPENBLAS_THREAD_TIMEOUT to
/// `OpenBLAS.recommendedThreadTimeout` first thing (see BENCHMARKS.md for why).
public enum OpenBLAS {
  /// log2 of the cycles an idle OpenBLAS worker spins before it sleeps: long enough to stay
  /// awake across back-to-back GEMMs, short enough to leave the core to the element-wise kernels.
  public static let recommendedThreadTimeout = "16"

  struct Functions {
    let sgemm: digits_cblas_sgemm
    let setThreadCount: digits_openblas_set_num_threads
    let threadCount: digits_openblas_get_num_threads
  }

  static let loaded: Result<Functions, KernelError> = {
    let names = ["libopenblas.so.0", "libopenblas.so"]
    guard let library = names.lazy.compactMap({ (name: String) in dlopen(name, RTLD_NOW | RTLD_LOCAL) }).first
    else { return .failure(.openBLASMissing) }
    func symbol<Function>(_ name: String) throws(KernelError) -> Function {
      guard let address = dlsym(library, name) else { throw .openBLASSymbolMissing(name) }
      return unsafeBitCast(address, to: Function.self)
    }
    do throws(KernelError) {
      return .success(
        Functions(
          sgemm: try symbol("cblas_sgemm"), setThreadCount: try symbol("openblas_set_num_threads"),
          threadCount: try symbol("openblas_get_num_threads")))
    } catch {
      return .failure(error)
    }
  }()

  /// Loads OpenBLAS, or throws an error that says which Debian package to install. Every public
  /// entry point that computes calls it first; the kernels then find it loaded.
  public static func require() throws(KernelError) {
    _ = try loaded.get()
  }

  /// The loaded functions, with OpenBLAS's own (process-wide) thread count set to the calling
  /// work's `Workers.count` when it differs.
  static var functions: Functions {
    guard case .success(let functions) = loaded else {
      preconditionFailure("OpenBLAS used before OpenBLAS.require() reported it missing")
    }
    let wanted = Int32(Workers.count)
    if functions.threadCount() != wanted { functions.setThreadCount(wanted) }
    return functions
  }
}

/// What the kernels can report before computing anything.
public enum KernelError: Error, Equatable, CustomStringConvertible {
  case openBLASMissing
  case openBLASSymbolMissing(String)

  public var description: String {
    switch self {
    case .openBLASMissing:
      "cannot load OpenBLAS (libopenblas.so.0): install Debian's libopenblas0 (or libopenblas-dev)"
    case .openBLASSymbolMissing(let name):
      "the OpenBLAS library found has no \(name): install Debian's libopenblas0 (or libopenblas-dev)"
    }
  }
}

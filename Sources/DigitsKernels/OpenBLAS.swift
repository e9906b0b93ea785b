import CDigitsBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// OpenBLAS, opened on first use instead of linked, so that its environment is set before its
/// constructor reads it. By default each OpenBLAS worker busy-waits (sched_yield in a loop) for
/// 2^28 cycles, about 0.1 s, after every GEMM: between two GEMMs of a training step it takes a
/// core from the element-wise kernels. Sleeping at once (2^4 cycles) took ResNet50 training from
/// 97–100 to 108 images/s in an interleaved A/B on the 2-core machine; but with a thousand GEMMs a
/// step (Winograd's 36 per pass) every call then waits for its workers to wake (6–11% of samples
/// in the scheduler). 2^16 cycles (~25 µs) keeps them awake across back-to-back GEMMs:
/// ResNet50 training 130 → 144 images/s (medians of alternating runs). A value set by the user
/// wins.
enum OpenBLAS {
  static let threadTimeout = "16"

  static let sgemm: digits_cblas_sgemm = symbol("cblas_sgemm")
  static let setThreadCount: digits_openblas_set_num_threads = symbol("openblas_set_num_threads")

  private static let library: UnsafeMutableRawPointer = {
    setenv("OPENBLAS_THREAD_TIMEOUT", threadTimeout, 0)
    for name in ["libopenblas.so.0", "libopenblas.so"] {
      if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle }
    }
    fatalError("cannot load OpenBLAS (libopenblas.so.0): install Debian's libopenblas0 or libopenblas-dev")
  }()

  private static func symbol<Function>(_ name: String) -> Function {
    guard let address = dlsym(library, name) else { fatalError("OpenBLAS has no symbol \(name)") }
    return unsafeBitCast(address, to: Function.self)
  }
}

import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// How the machine's cores are shared: OpenBLAS threads inside GEMM, and the same number of
/// workers for the element-wise kernels (never both at once, so they do not oversubscribe).
public enum Threads {
  /// Number of workers the element-wise kernels split their work into.
  public nonisolated(unsafe) private(set) static var count = max(1, CPU.onlineCores)

  /// Sets the worker count for both OpenBLAS and the element-wise kernels.
  public static func configure(_ threads: Int) {
    count = max(1, threads)
    OpenBLAS.setThreadCount(Int32(count))
  }
}

enum CPU {
  static var onlineCores: Int {
    let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    return online > 0 ? online : 1
  }
}

/// Splits `0..<total` into at most `Threads.count` contiguous chunks of at least `grain`
/// items and runs `body` on each, concurrently. Small jobs run inline: a dispatch costs
/// microseconds, more than the work of a few thousand elements.
@inlinable
public func parallelChunks(_ total: Int, grain: Int = 4096, _ body: (Range<Int>) -> Void) {
  guard total > 0 else { return }
  let chunks = min(Threads.count, max(1, total / max(grain, 1)))
  if chunks == 1 {
    body(0..<total)
    return
  }
  let per = (total + chunks - 1) / chunks
  DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
    let start = chunk * per
    let end = min(total, start + per)
    if start < end { body(start..<end) }
  }
}

/// Runs `body(i)` for every `i` in `0..<count`, spread over the workers in contiguous runs.
@inlinable
public func parallelFor(_ count: Int, grain: Int = 1, _ body: (Int) -> Void) {
  parallelChunks(count, grain: grain) { range in
    for index in range { body(index) }
  }
}

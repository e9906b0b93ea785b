import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// How many workers the kernels split their work into: OpenBLAS threads inside GEMM, and as many
/// workers for the element-wise kernels (never both at work at once: the pool's helpers sleep
/// through each GEMM, so they do not oversubscribe).
/// The count belongs to the work that runs inside `Workers.run(_:_:)` (a task-local value), not
/// to the process: two callers in one program can use different counts. Unset, it is every core
/// the process may use (`available`).
public enum Workers {
  @TaskLocal public static var count = CPU.usableCores
  /// Helpers that wait awake for the work inside `run(_:_:)`; nil elsewhere.
  @TaskLocal static var pool: WorkerPool?

  /// The cores this process may run on: those online, narrowed by its CPU affinity and its
  /// cgroup's CPU quota (a container limited to one CPU on a large host gets 1).
  public static var available: Int { CPU.usableCores }

  /// Runs `body` with `count` workers (at least 1), the `count - 1` besides the calling thread
  /// kept awake between the kernels' fork-joins for as long as `body` runs (see `WorkerPool`),
  /// where the machine has that many cores.
  public static func run<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
    let count = max(1, count)
    // Spinning helpers beyond the cores would take them from the threads with work.
    guard count > 1, count <= available else { return try $count.withValue(count, operation: body) }
    let pool = WorkerPool(helpers: count - 1)
    defer { pool.shutDown() }
    return try $count.withValue(count) { try $pool.withValue(pool, operation: body) }
  }

  /// Runs `body` with `count` workers (at least 1), for async callers: without a pool, as the
  /// work may move between threads at each suspension.
  public static func run<Result: Sendable>(_ count: Int, _ body: () async throws -> Result) async rethrows
    -> Result
  {
    try await $count.withValue(max(1, count), operation: body)
  }
}

/// Splits `0..<total` into at most `Workers.count` contiguous chunks of at least `grain`
/// items and runs `body` on each, concurrently. Small jobs run inline: a dispatch costs
/// microseconds, more than the work of a few thousand elements.
@inlinable
public func parallelChunks(_ total: Int, grain: Int = 4096, _ body: (Range<Int>) -> Void) {
  parallelWorkerChunks(total, grain: grain) { _, range in body(range) }
}

/// `parallelChunks`, telling `body` which chunk it runs as well (0..<Workers.count), so that
/// each can use a scratch area of its own.
@inlinable
public func parallelWorkerChunks(_ total: Int, grain: Int = 4096, _ body: (Int, Range<Int>) -> Void) {
  guard total > 0 else { return }
  let chunks = min(Workers.count, max(1, total / max(grain, 1)))
  if chunks == 1 {
    body(0, 0..<total)
    return
  }
  let per = (total + chunks - 1) / chunks
  runConcurrently(chunks) { chunk in
    let start = chunk * per
    let end = min(total, start + per)
    if start < end { body(chunk, start..<end) }
  }
}

/// `body(0..<count)`, concurrently: on the helpers of `Workers.run`'s pool where it has them
/// free, else through Dispatch.
@usableFromInline
func runConcurrently(_ count: Int, _ body: (Int) -> Void) {
  if let pool = Workers.pool, pool.helperCount >= count - 1, pool.run(helpers: count - 1, body) { return }
  DispatchQueue.concurrentPerform(iterations: count, execute: body)
}

/// Runs `body(i)` for every `i` in `0..<count`, spread over the workers in contiguous runs.
@inlinable
public func parallelFor(_ count: Int, grain: Int = 1, _ body: (Int) -> Void) {
  parallelChunks(count, grain: grain) { range in
    for index in range { body(index) }
  }
}

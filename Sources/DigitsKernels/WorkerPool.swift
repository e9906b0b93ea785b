import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Helper threads for the kernels' fork-joins that wait for work awake: each spins, yielding its
/// core to any other runnable thread, for up to `spinSeconds` after its last job, and sleeps then
/// or when a GEMM starts (`parkHelpers`), whose OpenBLAS threads need the cores. Dispatch's
/// threads sleep between jobs, and a training step forks and joins hundreds of times: waking a
/// sleeping thread each time cost more than the spinning (BENCHMARKS.md, sixteenth session). The
/// pool belongs to one `Workers.run`, whose end stops it.
///
/// Unchecked Sendable: `job` and `jobHelpers` are written only while no helper reads them,
/// between every helper's answer to one job and the publication of the next.
final class WorkerPool: @unchecked Sendable {
  let helperCount: Int
  private let spinNanoseconds: UInt64
  /// The atomics live apart from the object, in groups on cache lines of their own (`lines`): a
  /// helper spinning on a line shared with memory the calling thread writes (the pool's other
  /// fields, or whatever malloc put beside the pool) slows every one of those writes.
  private let lines: UnsafeMutableRawPointer
  /// Bumped once the job is set; helpers run it on seeing a new value. Sequentially consistent
  /// with `sleepers`: either the caller sees a helper about to sleep and wakes it, or that helper
  /// sees the new generation before it sleeps. The helpers spin on this line.
  private let generation: UnsafeMutablePointer<Atomic<Int>>
  private let sleepers: UnsafeMutablePointer<Atomic<Int>>
  private let stopping: UnsafeMutablePointer<Atomic<Bool>>
  private let parked: UnsafeMutablePointer<Atomic<Bool>>
  /// The caller spins on this line, which only the helpers' answers write.
  private let unfinished: UnsafeMutablePointer<Atomic<Int>>
  private let inUse: UnsafeMutablePointer<Atomic<Bool>>
  private let running: UnsafeMutablePointer<Atomic<Int>>
  private var job: ((Int) -> Void)?
  private var jobHelpers = 0
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  /// `spinSeconds`: long enough to span the serial work between two fork-joins.
  init(helpers: Int, spinSeconds: Double = 2e-3) {
    helperCount = helpers
    spinNanoseconds = UInt64(spinSeconds * 1e9)
    // 128 bytes a line: the neighbouring line is prefetched with the one read.
    let line = 128
    let block = UnsafeMutableRawPointer.allocate(byteCount: 3 * line, alignment: line)
    lines = block
    func atomic<Value: AtomicRepresentable>(_ value: Value, at offset: Int) -> UnsafeMutablePointer<
      Atomic<Value>
    > {
      let pointer = (block + offset).bindMemory(to: Atomic<Value>.self, capacity: 1)
      pointer.initialize(to: Atomic(value))
      return pointer
    }
    generation = atomic(0, at: 0)
    sleepers = atomic(0, at: 8)
    stopping = atomic(false, at: 16)
    parked = atomic(false, at: 24)
    unfinished = atomic(0, at: line)
    inUse = atomic(false, at: 2 * line)
    running = atomic(0, at: 2 * line + 8)
    pthread_mutex_init(lock, nil)
    pthread_cond_init(wake, nil)
    running.pointee.store(helpers, ordering: .sequentiallyConsistent)
    for index in 0..<helpers {
      let thread = Thread { [self] in helperLoop(index) }
      thread.name = "digits worker \(index + 1)"
      thread.start()
    }
  }

  deinit {
    // The atomics hold plain integers and flags: nothing to deinitialise.
    lines.deallocate()
  }

  /// Sends the waiting helpers to sleep now rather than at the end of their spin: before a call
  /// that brings threads of its own (OpenBLAS), which would share a core with a spinning helper.
  func parkHelpers() {
    parked.pointee.store(true, ordering: .relaxed)
  }

  /// Stops the helpers and waits for them to leave. The pool stays in use for good, so that a
  /// late caller (a task that outlived `Workers.run` with its task-locals) falls back to Dispatch.
  func shutDown() {
    while !inUse.pointee.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
      sched_yield()
    }
    stopping.pointee.store(true, ordering: .sequentiallyConsistent)
    pthread_mutex_lock(lock)
    pthread_cond_broadcast(wake)
    pthread_mutex_unlock(lock)
    while running.pointee.load(ordering: .acquiring) > 0 { sched_yield() }
    pthread_cond_destroy(wake)
    pthread_mutex_destroy(lock)
    lock.deallocate()
    wake.deallocate()
  }

  /// Runs `body(0)` on the calling thread and `body(1...helpers)` on the helpers, and returns when
  /// all have; false, having run nothing, when the pool is already running a job (a nested or a
  /// concurrent call), for the caller to run the work another way.
  func run(helpers: Int, _ body: (Int) -> Void) -> Bool {
    guard inUse.pointee.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      return false
    }
    defer { inUse.pointee.store(false, ordering: .releasing) }
    return withoutActuallyEscaping(body) { body in
      parked.pointee.store(false, ordering: .relaxed)
      job = body
      jobHelpers = helpers
      // Every helper answers every job, those it does not need too, so none lags a job behind.
      unfinished.pointee.store(helperCount, ordering: .relaxed)
      generation.pointee.add(1, ordering: .sequentiallyConsistent)
      if sleepers.pointee.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(lock)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
      }
      body(0)
      var spins = 0
      while unfinished.pointee.load(ordering: .acquiring) > 0 {
        spins += 1
        if spins > 1000 { sched_yield() }
      }
      job = nil
      return true
    }
  }

  private func helperLoop(_ index: Int) {
    // The jobs' kernels see the run's worker count, as on the calling thread.
    Workers.$count.withValue(helperCount + 1) {
      var seen = 0
      while true {
        guard let current = waitForJob(after: seen) else { break }
        seen = current
        if index < jobHelpers, let job { job(index + 1) }
        unfinished.pointee.subtract(1, ordering: .releasing)
      }
    }
    running.pointee.subtract(1, ordering: .releasing)
  }

  /// The next generation after `seen`, or nil when the pool stops.
  private func waitForJob(after seen: Int) -> Int? {
    var spins = 0
    var started: UInt64 = 0
    while true {
      if stopping.pointee.load(ordering: .relaxed) { return nil }
      let current = generation.pointee.load(ordering: .acquiring)
      if current != seen { return current }
      spins += 1
      if spins < 256 { continue }
      let now = DispatchTime.now().uptimeNanoseconds
      if started == 0 { started = now }
      if !parked.pointee.load(ordering: .relaxed) && now - started < spinNanoseconds {
        sched_yield()
        continue
      }
      sleepers.pointee.add(1, ordering: .sequentiallyConsistent)
      pthread_mutex_lock(lock)
      while generation.pointee.load(ordering: .sequentiallyConsistent) == seen
        && !stopping.pointee.load(ordering: .relaxed)
      {
        pthread_cond_wait(wake, lock)
      }
      pthread_mutex_unlock(lock)
      sleepers.pointee.subtract(1, ordering: .sequentiallyConsistent)
      spins = 0
      started = 0
    }
  }
}

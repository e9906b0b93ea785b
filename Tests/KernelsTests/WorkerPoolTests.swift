import Foundation
import Synchronization
import Testing

@testable import DigitsKernels

#if canImport(Glibc)
  import Glibc
#endif

/// The helpers `Workers.run` keeps awake for the kernels' fork-joins: every chunk runs once, on
/// more than one thread, whether the helper is spinning or has gone to sleep, and a fork-join
/// inside another (or beside it, from a second thread) still runs, by Dispatch.
@Suite(.timeLimit(.minutes(1))) struct WorkerPoolTests {
  /// How often each index of `0..<total` ran in `rounds` calls of `parallelChunks`.
  func visits(total: Int, grain: Int, rounds: Int, pauseMicroseconds: UInt32 = 0) -> [Int] {
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: total)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: total)
    for _ in 0..<rounds {
      if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
      parallelChunks(total, grain: grain) { range in
        for index in range { counts[index] += 1 }
      }
    }
    return Array(UnsafeBufferPointer(start: counts, count: total))
  }

  @Test func everyIndexRunsOncePerCall() {
    Workers.run(2) {
      for (total, grain) in [(2, 1), (3, 1), (1000, 7), (10_000, 4096)] {
        #expect(visits(total: total, grain: grain, rounds: 500) == [Int](repeating: 500, count: total))
      }
    }
  }

  /// The helper sleeps after a few idle milliseconds; a call after that wakes it.
  @Test func callsAfterTheHelperSleptStillRun() {
    Workers.run(2) {
      #expect(
        visits(total: 64, grain: 1, rounds: 20, pauseMicroseconds: 5_000) == [Int](repeating: 20, count: 64))
    }
  }

  @Test func theChunksRunOnTwoThreads() {
    let threads = Mutex<Set<ObjectIdentifier>>([])
    Workers.run(2) {
      // A pool where the machine has the cores for its helpers.
      #expect((Workers.pool != nil) == (Workers.available >= 2))
      parallelFor(2) { _ in
        threads.withLock { _ = $0.insert(ObjectIdentifier(Thread.current)) }
        usleep(20_000)
      }
    }
    if Workers.available >= 2 { #expect(threads.withLock { $0.count } == 2) }
  }

  /// Three helpers, jobs that need one, two or three of them, and pauses around the spin time,
  /// so that helpers are now spinning, now asleep, now parked by a GEMM as a job is published.
  @Test func aPoolOfThreeRunsEachPartOnceWhateverItsHelpersAreDoing() {
    let pool = WorkerPool(helpers: 3, spinSeconds: 100e-6)
    defer { pool.shutDown() }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: 4)
    var expected = [0, 0, 0, 0]
    for round in 0..<3000 {
      let helpers = 1 + round % 3
      if round % 7 == 0 { usleep(UInt32(50 + round % 150)) }
      if round % 11 == 0 { pool.parkHelpers() }
      let ran = pool.run(helpers: helpers) { part in counts[part] += 1 }
      #expect(ran)
      for part in 0...helpers { expected[part] += 1 }
    }
    #expect(Array(UnsafeBufferPointer(start: counts, count: 4)) == expected)
    // A job inside a job finds the pool in use and runs nothing.
    var nested: Bool?
    _ = pool.run(helpers: 1) { part in
      if part == 0 { nested = pool.run(helpers: 1) { _ in } }
    }
    #expect(nested == false)
  }

  @Test func nestedAndConcurrentCallsRunEverything() {
    let total = Atomic<Int>(0)
    Workers.run(2) {
      parallelFor(4) { _ in
        parallelFor(100) { _ in total.add(1, ordering: .relaxed) }
      }
    }
    #expect(total.load(ordering: .relaxed) == 400)
    // Two runs at once, each with a pool of its own, from two threads.
    let results = Mutex<[[Int]]>([])
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
      let counts = Workers.run(2) { visits(total: 500, grain: 3, rounds: 200) }
      results.withLock { $0.append(counts) }
    }
    #expect(results.withLock { $0 } == [[Int]](repeating: [Int](repeating: 200, count: 500), count: 2))
  }
}

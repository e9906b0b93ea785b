import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// How long one cache line takes to travel from one core to another and back: two threads hand a
/// flag back and forth. The two-thread kernels pay this on every fork-join and on every line one
/// core writes and the other reads next, so it tells apart placements of the same machine that a
/// sgemm or copy probe does not: on a virtual machine whose host moves its vCPUs between nearby
/// and distant cores, the same step runs markedly slower in the distant placement.
public enum CoreRoundTrip {
  /// Nanoseconds per round trip, the fastest of `repeats` runs of `trips` round trips after one
  /// untimed run; nil where the work runs on one worker (`Workers.count`) or the process may use
  /// one core, as the two threads would then take turns on one core and time the scheduler.
  public static func probe(trips: Int = 20_000, repeats: Int = 3) -> Double? {
    guard min(Workers.count, CPU.usableCores) >= 2 else { return nil }
    // A helper of the pool spinning for its next job would share a core with the partner.
    Workers.pool?.parkHelpers()
    let trips = max(1, trips)
    _ = timeRoundTrips(trips)
    let fastest = (0..<max(1, repeats)).map { _ in timeRoundTrips(trips) }.min()!
    return fastest / Double(trips) * 1e9
  }

  /// Seconds for `trips` round trips between the calling thread and a partner thread.
  private static func timeRoundTrips(_ trips: Int) -> Double {
    // A line of its own, so that no other write shares it.
    let line = 128
    let block = UnsafeMutableRawPointer.allocate(byteCount: line, alignment: line)
    defer { block.deallocate() }
    let flag = block.bindMemory(to: Atomic<Int>.self, capacity: 1)
    flag.initialize(to: Atomic(0))
    let pointer = FlagPointer(flag: flag)
    // The partner answers each odd value with the next even one; trip 0, which waits for the
    // partner to start, is not timed.
    let partner = Thread {
      for trip in 0...trips {
        waitFor(2 * trip + 1, pointer.flag)
        pointer.flag.pointee.store(2 * trip + 2, ordering: .releasing)
      }
    }
    partner.start()
    var start: UInt64 = 0
    for trip in 0...trips {
      if trip == 1 { start = DispatchTime.now().uptimeNanoseconds }
      flag.pointee.store(2 * trip + 1, ordering: .releasing)
      waitFor(2 * trip + 2, flag)
    }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Spins until the flag holds `value`, yielding now and then so that a partner that has not
  /// started yet gets a core.
  private static func waitFor(_ value: Int, _ flag: UnsafeMutablePointer<Atomic<Int>>) {
    var spins = 0
    while flag.pointee.load(ordering: .acquiring) != value {
      spins += 1
      if spins % 100_000 == 0 { sched_yield() }
    }
  }

  /// The flag's address, sent to the partner thread: the probe keeps the memory alive until the
  /// partner's last store, which it waits for.
  private struct FlagPointer: @unchecked Sendable {
    let flag: UnsafeMutablePointer<Atomic<Int>>
  }
}

import Synchronization

/// Asks a training run to stop after its current step. Safe to cancel from any thread, and from
/// a signal handler (one lock-free atomic store); the run then keeps its last complete epoch and
/// throws `TrainingError.interrupted`.
public final class CancellationToken: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public func cancel() { flag.store(true, ordering: .relaxed) }

  public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

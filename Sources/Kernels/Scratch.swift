/// Grow-only buffers for per-channel coefficients and per-worker partial sums, so the
/// kernels allocate nothing inside a training step once the first step has sized them.
/// Kernels are entered from one thread at a time (the training loop), never concurrently.
enum Scratch {
  nonisolated(unsafe) static let doubles = ScratchBuffer<Double>()
  nonisolated(unsafe) static let floats = ScratchBuffer<Float>()
}

final class ScratchBuffer<Element> {
  private var pointer = UnsafeMutablePointer<Element>.allocate(capacity: 0)
  private var capacity = 0

  func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
    if count > capacity {
      pointer.deallocate()
      capacity = max(count, capacity * 2)
      pointer = .allocate(capacity: capacity)
    }
    return pointer
  }
}

import Dispatch

/// One epoch of a `BatchIterator`'s batches, each gathered on a thread of its own while the
/// caller works on the one before, so that distorting the images (the elastic field above all)
/// overlaps the training step instead of adding to it.
///
/// The batches, their order and the generator's state at the end are exactly the iterator's
/// own: one gather runs at a time, in the same order, and none runs past the end of the epoch.
/// So a run saved after the epoch (`finish()`) resumes bit for bit.
public final class PrefetchingBatches: @unchecked Sendable {
  // Unchecked: `iterator`, `count` and the buffers belong to the gathering thread from `gather()`
  // until `gathered` is signalled, and to the caller after it has waited; never to both at once.
  private var iterator: BatchIterator
  private let images: UnsafeMutablePointer<Float>
  private let labels: UnsafeMutablePointer<Int32>
  private var count = 0
  private let queue = DispatchQueue(label: "digits.prefetching-batches")
  private let gathered = DispatchGroup()

  /// Starts a new epoch of `iterator` and begins gathering its first batch.
  public init(startingEpochOf iterator: BatchIterator) {
    self.iterator = iterator
    self.iterator.startEpoch()
    images = .allocate(capacity: iterator.imageBufferCount)
    labels = .allocate(capacity: iterator.batchSize)
    gather()
  }

  deinit {
    gathered.wait()
    images.deallocate()
    labels.deallocate()
  }

  public var batchSize: Int { iterator.batchSize }
  public var rows: Int { iterator.data.rows }
  public var cols: Int { iterator.data.cols }

  /// As `BatchIterator.next(into:labels:)`: copies the next batch into `images`
  /// ([B, rows, cols, 1]) and `labels`, both with room for `batchSize`, and returns B; 0 once
  /// the epoch is over. The batch after it starts gathering before this returns.
  public func next(into images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) -> Int {
    gathered.wait()
    let count = self.count
    guard count > 0 else { return 0 }
    images.update(from: self.images, count: count * iterator.data.pixelsPerImage)
    labels.update(from: self.labels, count: count)
    gather()
    return count
  }

  /// The iterator after the batches handed out so far and the one gathered ahead of them (none
  /// once `next` has returned 0): at the end of the epoch, the state a resumed run starts from.
  public func finish() -> BatchIterator {
    gathered.wait()
    return iterator
  }

  private func gather() {
    gathered.enter()
    queue.async { [self] in
      count = iterator.next(into: images, labels: labels)
      gathered.leave()
    }
  }
}

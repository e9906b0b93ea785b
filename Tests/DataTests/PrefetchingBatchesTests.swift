import DigitsData
import Testing

/// Gathering ahead on another thread changes nothing a run can see: the same batches in the
/// same order, and the same generator state after the epoch.
@Suite struct PrefetchingBatchesTests {
  /// 200 images in batches of 64: three full batches and a last one of 8, distorted with the
  /// elastic field so that every batch draws from the generator.
  static func iterator() throws -> BatchIterator {
    var batches = try BatchIterator(
      data: AugmentationTests.mnist.train, indices: Array(0..<200), batchSize: 64, seed: 5)
    batches.augmentation = .standard(elastic: ElasticDistortion(alpha: 36))
    return batches
  }

  /// One batch as `fill` (either kind of `next(into:labels:)`) writes it, cut to its size.
  static func batch(
    _ fill: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>) -> Int
  ) -> (images: [Float], labels: [Int32]) {
    var (images, labels) = ([Float](repeating: .nan, count: 64 * 784), [Int32](repeating: -1, count: 64))
    let count = images.withUnsafeMutableBufferPointer { images in
      labels.withUnsafeMutableBufferPointer { fill(images.baseAddress!, $0.baseAddress!) }
    }
    return (Array(images.prefix(count * 784)), Array(labels.prefix(count)))
  }

  static func next(_ prefetching: PrefetchingBatches) -> (images: [Float], labels: [Int32]) {
    batch { prefetching.next(into: $0, labels: $1) }
  }

  static func next(_ iterator: inout BatchIterator) -> (images: [Float], labels: [Int32]) {
    batch { iterator.next(into: $0, labels: $1) }
  }

  @Test func handsOutTheIteratorsBatchesAndLeavesItsGeneratorAsItWould() throws {
    var plain = try Self.iterator()
    let prefetching = PrefetchingBatches(startingEpochOf: try Self.iterator())
    plain.startEpoch()
    var sizes: [Int] = []
    while true {
      let (expected, got) = (Self.next(&plain), Self.next(prefetching))
      #expect(got.images == expected.images && got.labels == expected.labels)
      if got.labels.isEmpty { break }
      sizes.append(got.labels.count)
    }
    #expect(sizes == [64, 64, 64, 8])
    #expect(Self.next(prefetching).labels.isEmpty)
    let finished = prefetching.finish()
    #expect(finished.generator == plain.generator)
    // The next epoch from the finished iterator replays the plain iterator's next epoch.
    let second = PrefetchingBatches(startingEpochOf: finished)
    plain.startEpoch()
    #expect(Self.next(second).images == Self.next(&plain).images)
  }

  @Test func finishingMidEpochWaitsForTheGatherInFlight() throws {
    let prefetching = PrefetchingBatches(startingEpochOf: try Self.iterator())
    _ = Self.next(prefetching)
    var plain = try Self.iterator()
    plain.startEpoch()
    _ = Self.next(&plain)
    _ = Self.next(&plain)
    // One batch handed out and one gathered ahead: the plain iterator after two.
    #expect(prefetching.finish().generator == plain.generator)
  }
}

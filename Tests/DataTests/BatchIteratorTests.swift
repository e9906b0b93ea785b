import DigitsData
import Testing

@Suite struct BatchIteratorTests {
  /// Ten 2x2 images whose every pixel holds the image's index, labelled index % 10 reversed,
  /// so a batch tells which images it holds.
  static let tiny = LabeledImages(
    rows: 2, cols: 2, pixels: (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 4) },
    labels: (0..<10).map { UInt8(9 - $0) })

  /// Runs one epoch and returns the image indices in the order the batches held them.
  static func epoch(_ iterator: inout BatchIterator) -> (indices: [Int], batchSizes: [Int]) {
    var images = [Float](repeating: .nan, count: iterator.imageBufferCount)
    var labels = [Int32](repeating: -1, count: iterator.batchSize)
    var (indices, sizes) = ([Int](), [Int]())
    iterator.startEpoch()
    while true {
      let size = images.withUnsafeMutableBufferPointer { imageBuffer in
        labels.withUnsafeMutableBufferPointer {
          iterator.next(into: imageBuffer.baseAddress!, labels: $0.baseAddress!)
        }
      }
      if size == 0 { return (indices, sizes) }
      sizes.append(size)
      for slot in 0..<size {
        let index = Int((images[slot * 4] * Normalization.mnist.std + Normalization.mnist.mean) * 255 + 0.5)
        #expect(labels[slot] == Int32(9 - index))
        indices.append(index)
      }
    }
  }

  @Test func normalisesPixels() throws {
    let data = LabeledImages(rows: 1, cols: 3, pixels: [0, 255, 128], labels: [4])
    var iterator = try BatchIterator(data: data, batchSize: 1, shuffle: false, seed: 0)
    var images = [Float](repeating: 0, count: 3)
    var labels: [Int32] = [0]
    iterator.startEpoch()
    #expect(iterator.next(into: &images, labels: &labels) == 1)
    #expect(abs(images[0] - (-0.1307 / 0.3081)) < 1e-6)
    #expect(abs(images[1] - ((1 - 0.1307) / 0.3081)) < 1e-6)
    #expect(abs(images[2] - ((128.0 / 255 - 0.1307) / 0.3081)) < 1e-6)
    #expect(labels == [4])
    #expect(iterator.next(into: &images, labels: &labels) == 0)
  }

  @Test func visitsEveryIndexOncePerEpochKeepingTheLastPartialBatch() throws {
    var iterator = try BatchIterator(data: Self.tiny, batchSize: 3, seed: 1)
    #expect(iterator.batchesPerEpoch == 4)
    for _ in 0..<3 {
      let epoch = Self.epoch(&iterator)
      #expect(epoch.batchSizes == [3, 3, 3, 1])
      #expect(epoch.indices.sorted() == Array(0..<10))
    }
  }

  @Test func dropLastSkipsThePartialBatch() throws {
    var iterator = try BatchIterator(data: Self.tiny, batchSize: 3, dropLast: true, seed: 1)
    #expect(iterator.batchesPerEpoch == 3)
    #expect(Self.epoch(&iterator).batchSizes == [3, 3, 3])
  }

  @Test func seededOrder() throws {
    var a = try BatchIterator(data: Self.tiny, batchSize: 4, seed: 8)
    var b = try BatchIterator(data: Self.tiny, batchSize: 4, seed: 8)
    var c = try BatchIterator(data: Self.tiny, batchSize: 4, seed: 9)
    let first = Self.epoch(&a).indices
    #expect(Self.epoch(&b).indices == first)
    #expect(Self.epoch(&c).indices != first)
    #expect(Self.epoch(&a).indices != first)  // a new permutation every epoch
  }

  @Test func unshuffledKeepsTheGivenOrder() throws {
    var iterator = try BatchIterator(
      data: Self.tiny, indices: [7, 2, 5], batchSize: 2, shuffle: false, seed: 0)
    #expect(Self.epoch(&iterator).indices == [7, 2, 5])
    #expect(Self.epoch(&iterator).indices == [7, 2, 5])
  }

  @Test func subsetOnly() throws {
    var iterator = try BatchIterator(data: Self.tiny, indices: [1, 3, 5, 7], batchSize: 3, seed: 2)
    #expect(Self.epoch(&iterator).indices.sorted() == [1, 3, 5, 7])
  }

  /// A run resumed from the generator saved after epoch 1 sees the same epoch 2.
  @Test func resumeReplaysTheNextEpoch() throws {
    var original = try BatchIterator(data: Self.tiny, batchSize: 4, seed: 21)
    _ = Self.epoch(&original)
    let saved = original.generator.state
    let secondEpoch = Self.epoch(&original).indices
    var resumed = try BatchIterator(data: Self.tiny, batchSize: 4, generator: SeededGenerator(state: saved))
    #expect(Self.epoch(&resumed).indices == secondEpoch)
  }

  @Test func rejectsBadArguments() {
    expectDataError(naming: "--batch-size", where: { if case .invalidParameter = $0 { true } else { false } })
    {
      _ = try BatchIterator(data: Self.tiny, batchSize: 0, seed: 0)
    }
    expectDataError(naming: "indices", where: { if case .invalidParameter = $0 { true } else { false } }) {
      _ = try BatchIterator(data: Self.tiny, indices: [0, 10], batchSize: 2, seed: 0)
    }
  }
}

import DigitsData
import DigitsDistributed
import DigitsKernels
import Foundation
import TestSupport
import Testing

/// The pieces of data-parallel training that need no second process: how a batch is shared,
/// how batch statistics combine, how a launcher is recognised, and what a missing MPI says.
@Suite struct ShardingTests {
  static let mnist = try! MNIST.load(
    directory: SmallMNIST.write(train: 300, test: 10), verifyChecksums: false)

  /// Three shards of every batch, put side by side, are the unsharded batch, augmentation
  /// included (elastic too, whose fields a shard skips for the others' images), and every
  /// shard's generator ends where the unsharded one does.
  @Test(arguments: [false, true]) func shardsTogetherAreTheWholeBatch(augment: Bool) throws {
    func iterator(_ shard: Shard) throws -> BatchIterator {
      var batches = try BatchIterator(data: Self.mnist.train, batchSize: 64, seed: 9)
      batches.augmentation = augment ? .standard(elastic: ElasticDistortion(alpha: 36)) : nil
      batches.shard = shard
      batches.startEpoch()
      return batches
    }
    var whole = try iterator(Shard(index: 0, count: 1))
    var shards = try (0..<3).map { try iterator(Shard(index: $0, count: 3)) }
    let pixels = 28 * 28
    var images = [Float](repeating: 0, count: 64 * pixels)
    var labels = [Int32](repeating: 0, count: 64)
    var part = [Float](repeating: 0, count: 64 * pixels)
    var partLabels = [Int32](repeating: 0, count: 64)
    var batchesSeen = 0
    while true {
      let count = whole.next(into: &images, labels: &labels)
      if count == 0 { break }
      batchesSeen += 1
      var offset = 0
      for index in shards.indices {
        let share = shards[index].next(into: &part, labels: &partLabels)
        #expect(share == Shard(index: index, count: 3).slots(of: count).count)
        #expect(shards[index].lastBatchSize == count)
        #expect(
          Array(part.prefix(share * pixels)) == Array(images[offset * pixels..<(offset + share) * pixels]))
        #expect(Array(partLabels.prefix(share)) == Array(labels[offset..<offset + share]))
        offset += share
      }
      #expect(offset == count)
    }
    #expect(batchesSeen == 5)  // 300 = 4 x 64 + 44
    for shard in shards { #expect(shard.generator == whole.generator) }
  }

  @Test func shardsCoverEveryBatchSizeOnce() {
    for size in [1, 7, 64, 128] {
      for count in 1...5 where count <= size {
        let ranges = (0..<count).map { Shard(index: $0, count: count).slots(of: size) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == size)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        #expect(ranges.allSatisfy { $0.count >= size / count && $0.count <= size / count + 1 })
      }
    }
  }

  /// The mean and variance combined from parts equal those of the whole, far below float noise.
  @Test func combinedStatisticsAreThoseOfTheWhole() {
    let channels = 5
    var generator = SeededGenerator(seed: 4)
    let rows = [3, 40, 17]
    let values = (0..<(rows.reduce(0, +) * channels)).map { _ in generator.nextFloat() * 8 + 100 }
    var parts: [[Float]] = []
    var start = 0
    for count in rows {
      var mean = [Float](repeating: 0, count: channels)
      var variance = [Float](repeating: 0, count: channels)
      Array(values[start * channels..<(start + count) * channels]).withUnsafeBufferPointer {
        batchNormStatistics(
          mean: &mean, variance: &variance, input: $0.baseAddress!, rows: count, channels: channels)
      }
      parts.append([Float(count)] + mean + variance)
      start += count
    }
    var mean = [Float](repeating: 0, count: channels)
    var variance = [Float](repeating: 0, count: channels)
    batchNormCombineStatistics(mean: &mean, variance: &variance, parts: parts, channels: channels)
    var wholeMean = [Float](repeating: 0, count: channels)
    var wholeVariance = [Float](repeating: 0, count: channels)
    values.withUnsafeBufferPointer {
      batchNormStatistics(
        mean: &wholeMean, variance: &wholeVariance, input: $0.baseAddress!, rows: start, channels: channels)
    }
    for c in 0..<channels {
      #expect(abs(mean[c] - wholeMean[c]) <= 2e-6 * abs(wholeMean[c]))
      #expect(abs(variance[c] - wholeVariance[c]) <= 1e-5 * wholeVariance[c])
    }
  }

  @Test func launchersAreRecognised() {
    let several = MPICommunicator.launchedAsOneOfSeveral
    #expect(!several([:]))
    #expect(several(["OMPI_COMM_WORLD_SIZE": "2"]))
    #expect(!several(["OMPI_COMM_WORLD_SIZE": "1"]))
    #expect(several(["PMIX_RANK": "0", "SLURM_NTASKS": "4"]))
    #expect(!several(["PMIX_RANK": "0", "SLURM_NTASKS": "1"]))
    #expect(!several(["SLURM_NTASKS": "4"]))
  }

  @Test func aMissingLibraryIsNamed() {
    #expect {
      _ = try MPICommunicator(libraryPaths: ["/nonexistent/libmpi.so.40"])
    } throws: { error in
      "\(error)".contains("/nonexistent/libmpi.so.40") && "\(error)".contains("openmpi-bin")
    }
  }

  /// Started as if by mpirun, with no MPI to load: one line naming the cause, status 1.
  @Test func digitsSaysWhenMPICannotBeLoaded() throws {
    let result = try DigitsProcess.run(
      ["train", "--epochs", "1", "--out", "/nonexistent/run"],
      environment: ["OMPI_COMM_WORLD_SIZE": "2", "DIGITS_MPI_LIBRARY": "/nonexistent/libmpi.so.40"])
    #expect(result.status == 1)
    #expect(result.stderrLines.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("/nonexistent/libmpi.so.40"))
  }
}

/// Hands out normalised mini-batches of a subset of `LabeledImages` into caller-owned buffers,
/// with no allocation per batch.
///
/// Each epoch starts with `startEpoch()`, which restores the original index order and, when
/// shuffling, permutes it with the iterator's generator. The order therefore depends only on
/// the generator state, which is what a resumed run saves and restores. The last partial batch
/// of an epoch is returned (smaller than `batchSize`) unless `dropLast` is set. With an
/// `augmentation`, each image is distorted as it is gathered, with parameters drawn from the
/// same generator, so the saved generator replays the distortions too.
public struct BatchIterator: Sendable {
  public let data: LabeledImages
  public let batchSize: Int
  public let normalization: Normalization
  public let shuffle: Bool
  public let dropLast: Bool
  /// Distorts each training image anew every epoch; nil hands the images out as they are.
  public var augmentation: Augmentation?
  /// Data-parallel training: this process takes share `index` of `count` (a contiguous slice)
  /// of every batch, while the order and the distortions stay those of the whole batch, so the
  /// processes together see exactly what one process would.
  public var shard = Shard(index: 0, count: 1)
  /// Save this at the end of an epoch; an iterator built with it replays the next epoch's order.
  public var generator: SeededGenerator
  public private(set) var epochsStarted = 0
  /// This epoch's order of image indices into `data`.
  public private(set) var order: [Int]
  private let indices: [Int]
  private var position = 0
  private let lookupTable: [Float]

  public init(
    data: LabeledImages, indices: [Int]? = nil, batchSize: Int, normalization: Normalization = .mnist,
    shuffle: Bool = true, dropLast: Bool = false, generator: SeededGenerator
  ) throws {
    let indices = indices ?? Array(0..<data.count)
    try Self.check(indices: indices, count: data.count, batchSize: batchSize)
    self.data = data
    self.indices = indices
    self.order = indices
    self.batchSize = batchSize
    self.normalization = normalization
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.generator = generator
    self.lookupTable = normalization.lookupTable
  }

  public init(
    data: LabeledImages, indices: [Int]? = nil, batchSize: Int, normalization: Normalization = .mnist,
    shuffle: Bool = true, dropLast: Bool = false, seed: UInt64
  ) throws {
    try self.init(
      data: data, indices: indices, batchSize: batchSize, normalization: normalization,
      shuffle: shuffle, dropLast: dropLast, generator: SeededGenerator(seed: seed))
  }

  /// Images visited per epoch, before `dropLast`.
  public var count: Int { indices.count }

  /// Floats one full batch needs in the image buffer: batchSize x rows x cols x 1 (NHWC).
  public var imageBufferCount: Int { batchSize * data.pixelsPerImage }

  public var batchesPerEpoch: Int {
    dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
  }

  public mutating func startEpoch() {
    epochsStarted += 1
    position = 0
    if !indices.isEmpty {
      order.withUnsafeMutableBufferPointer { target in
        indices.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
      }
    }
    if shuffle { generator.shuffle(&order) }
  }

  /// Fills `images` ([B, rows, cols, 1] floats, (pixel / 255 - mean) / std) and `labels` with the
  /// next batch, both with room for `batchSize`, and returns B; 0 once the epoch is over.
  public mutating func next(into images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>)
    -> Int
  {
    precondition(epochsStarted > 0, "call startEpoch() before next(into:labels:)")
    let size = min(batchSize, order.count - position)
    guard size > 0, size == batchSize || !dropLast else {
      position = order.count
      return 0
    }
    let share = shard.slots(of: size)
    gather(size: size, share: share, images: images, labels: labels)
    position += size
    return share.count
  }

  /// Images in the whole batch `next` handed out last (all shards together).
  public var lastBatchSize: Int {
    let remainder = count % batchSize
    return position < order.count || remainder == 0 ? batchSize : remainder
  }

  /// Fills `images`/`labels` with this shard's slots `share` of the batch of `size`, drawing the
  /// distortions of every slot so that the generator advances as for the whole batch (but
  /// computing only its own slots' elastic fields).
  private mutating func gather(
    size: Int, share: Range<Int>, images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>
  ) {
    let pixelsPerImage = data.pixelsPerImage
    data.pixels.withUnsafeBufferPointer { pixelBuffer in
      data.labels.withUnsafeBufferPointer { labelBuffer in
        lookupTable.withUnsafeBufferPointer { tableBuffer in
          let (pixels, table) = (pixelBuffer.baseAddress!, tableBuffer.baseAddress!)
          for slot in 0..<size {
            guard share.contains(slot) else {
              augmentation?.skip(rows: data.rows, cols: data.cols, generator: &generator)
              continue
            }
            let distortion = augmentation?.draw(rows: data.rows, cols: data.cols, generator: &generator)
            let index = order[position + slot]
            let source = pixels + index * pixelsPerImage
            let target = images + (slot - share.lowerBound) * pixelsPerImage
            if let distortion {
              distortion.apply(
                source, rows: data.rows, cols: data.cols, into: target, normalization: normalization)
            } else {
              for pixel in 0..<pixelsPerImage { target[pixel] = table[Int(source[pixel])] }
            }
            labels[slot - share.lowerBound] = Int32(labelBuffer[index])
          }
        }
      }
    }
  }

  /// Indices are checked once here because the batch fill reads through raw pointers.
  private static func check(indices: [Int], count: Int, batchSize: Int) throws {
    guard batchSize > 0 else {
      throw DataError.invalidParameter(name: "--batch-size", detail: "\(batchSize) must be at least 1")
    }
    if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
      throw DataError.invalidParameter(
        name: "indices", detail: "index \(bad) is outside the \(count) images of the data set")
    }
  }
}

/// Share `index` of `count` equal shares (sizes differing by at most one) of every batch.
public struct Shard: Equatable, Sendable {
  public let index: Int
  public let count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (0..<count).contains(index), "shard \(index) of \(count)")
    (self.index, self.count) = (index, count)
  }

  /// This shard's slots of a batch of `size`: a contiguous range, in shard order.
  public func slots(of size: Int) -> Range<Int> {
    size * index / count..<size * (index + 1) / count
  }
}

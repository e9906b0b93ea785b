/// A float32 activation buffer in NHWC order ([N, F] is stored as N×1×1×F).
/// Each layer owns the tensors it writes and reuses them every step: `resize` only
/// allocates when a shape needs more room than any shape before it.
public final class Tensor {
  public private(set) var batch = 0
  public private(set) var height = 0
  public private(set) var width = 0
  public private(set) var channels = 0
  public private(set) var data: UnsafeMutablePointer<Float>
  /// Floats allocated: the largest shape so far.
  public private(set) var capacity: Int

  public init(batch: Int = 0, height: Int = 1, width: Int = 1, channels: Int = 0) {
    capacity = 0
    data = .allocate(capacity: 0)
    resize(batch: batch, height: height, width: width, channels: channels)
  }

  /// A tensor holding a copy of `values`, which must have the shape's element count.
  public convenience init(_ values: [Float], batch: Int, height: Int = 1, width: Int = 1, channels: Int) {
    self.init(batch: batch, height: height, width: width, channels: channels)
    precondition(values.count == count, "\(values.count) values for a tensor of \(count)")
    values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
  }

  deinit { data.deallocate() }

  public var count: Int { batch * height * width * channels }
  /// Pixels per channel over the whole batch: the rows of the [N·H·W, C] view.
  public var rows: Int { batch * height * width }

  public func resize(batch: Int, height: Int = 1, width: Int = 1, channels: Int) {
    let needed = batch * height * width * channels
    if needed > capacity {
      data.deallocate()
      data = .allocate(capacity: needed)
      capacity = needed
    }
    self.batch = batch
    self.height = height
    self.width = width
    self.channels = channels
  }

  /// Gives this tensor the shape of `other`.
  public func resize(like other: Tensor) {
    resize(batch: other.batch, height: other.height, width: other.width, channels: other.channels)
  }

  public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }
  public var shape: [Int] { [batch, height, width, channels] }
}

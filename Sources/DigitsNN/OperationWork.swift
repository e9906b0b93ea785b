/// What one pass of an operation computes and moves, for the roofline of `digits bench --profile`:
/// FLOPs as PyTorch counts them (2 per multiply-add, 1 per element-wise operation) and the
/// least traffic the pass needs (every tensor it reads or writes, once, in bytes).
public struct OperationWork: Sendable, Equatable {
  public var flops: Double
  public var bytes: Double

  public init(flops: Double = 0, bytes: Double) {
    self.flops = flops
    self.bytes = bytes
  }

  /// A pass that touches `floats` floats in all.
  public static func floats(_ floats: Int, flops: Double = 0) -> OperationWork {
    OperationWork(flops: flops, bytes: Double(floats * MemoryLayout<Float>.stride))
  }
}

/// A layer that can say what its last pass computed, so the profile can file it under a
/// roofline row shared by every layer of the same shape.
public protocol WorkMeasuring {
  /// The row this layer's passes belong to ("conv 3x3 s1 64→64 @14x14", "batch norm"), the work
  /// of its last pass in `direction` ("forward" or "backward"), and a detail worth showing
  /// beside it (a conv's algorithm).
  func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?)
}

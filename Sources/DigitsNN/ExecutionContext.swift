/// What every layer's forward and backward pass needs besides its input: the mode, and the
/// shared im2col workspace (one buffer, as large as the largest conv needs, reused by all).
public final class ExecutionContext {
  public let training: Bool
  /// Forward passes only, in eval mode (`training` is false), with no backward after them
  /// (torch.inference_mode): containers may then fuse layers, e.g. fold each BatchNorm into the
  /// conv before it.
  public let inference: Bool
  /// When set, containers time each leaf layer into it (see `digits bench --profile`).
  public var profile: OperationProfile?
  /// When set (training only), BatchNorm normalises over the batch of every process in the group
  /// (SyncBatchNorm), not only this process's share.
  public var synchronizedBatchNorm: (any Communicator)?
  /// Called after each layer of a `Sequential` (leaf or container) has run backward, when its
  /// parameter gradients are final: to start all-reducing them while the layers before it still
  /// run, or to step them.
  public var backwardFinished: ((any Layer) -> Void)?
  /// The tensors input gradients are written into (training).
  public let gradients = GradientPool()
  private let workspaceBuffer = ScratchBuffer()
  private let kernelBuffer = ScratchBuffer()

  public init(training: Bool = true) {
    self.training = training
    inference = false
  }

  /// A context for inference: eval mode, forward passes only.
  public static func inference() -> ExecutionContext { ExecutionContext(inferenceOnly: ()) }

  private init(inferenceOnly: Void) {
    training = false
    inference = true
  }

  /// A scratch buffer of at least `count` floats, valid until the next call.
  public func workspace(_ count: Int) -> UnsafeMutablePointer<Float> { workspaceBuffer.floats(count) }

  /// A second scratch buffer, of a conv's weight size: the flipped kernel of its input gradient
  /// or the BatchNorm-folded kernel, written afresh by every pass that uses it, so one buffer
  /// serves every layer instead of one per conv. Valid until the next call.
  public func kernelScratch(_ count: Int) -> UnsafeMutablePointer<Float> { kernelBuffer.floats(count) }
}

/// Floats that grow to the largest size asked of them and are reused from then on.
final class ScratchBuffer {
  private var capacity = 0
  private var storage = UnsafeMutablePointer<Float>.allocate(capacity: 0)

  deinit { storage.deallocate() }

  func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
    if count > capacity {
      storage.deallocate()
      storage = .allocate(capacity: count)
      capacity = count
    }
    return storage
  }
}

/// A differentiable layer. `forward` keeps what `backward` needs (its input, its output);
/// `backward` accumulates parameter gradients and returns the gradient of its input.
public protocol Layer: AnyObject {
  func forward(_ input: Tensor, context: ExecutionContext) -> Tensor
  func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor
}

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
  /// Called after each layer of a `Sequential` has run backward (its parameter gradients are
  /// then final), e.g. to start all-reducing them while the layers before it still run.
  public var backwardFinished: ((any Layer) -> Void)?
  private var workspaceCapacity = 0
  private var workspaceStorage = UnsafeMutablePointer<Float>.allocate(capacity: 0)

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

  deinit { workspaceStorage.deallocate() }

  /// A scratch buffer of at least `count` floats, valid until the next call.
  public func workspace(_ count: Int) -> UnsafeMutablePointer<Float> {
    if count > workspaceCapacity {
      workspaceStorage.deallocate()
      workspaceStorage = .allocate(capacity: count)
      workspaceCapacity = count
    }
    return workspaceStorage
  }
}

/// A differentiable layer. `forward` keeps what `backward` needs (its input, its output);
/// `backward` accumulates parameter gradients and returns the gradient of its input.
public protocol Layer: AnyObject {
  func forward(_ input: Tensor, context: ExecutionContext) -> Tensor
  func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor
}

import DigitsKernels

/// torch.nn.BatchNorm2d (affine, tracking running statistics) on NHWC activations, with an
/// optional fused ReLU after it (the `bn → relu` pair every ResNet block has).
/// Parameters `weight`, `bias`; buffers `running_mean`, `running_var`, `num_batches_tracked`.
public final class BatchNorm2d: Layer {
  public let channels: Int
  public let eps: Float
  public let momentum: Float
  public let fusedReLU: Bool
  public let weight: Parameter
  public let bias: Parameter
  public let runningMean: Parameter
  public let runningVariance: Parameter
  public let batchesTracked: Parameter

  private let output = Tensor()
  private var input: Tensor?
  /// Mean and 1/sqrt(var + eps) the last forward normalised with (batch or running).
  private let mean: UnsafeMutablePointer<Float>
  private let invStd: UnsafeMutablePointer<Float>
  private let variance: UnsafeMutablePointer<Float>
  private var normalisedWithBatchStatistics = true
  /// Rows the last training forward's statistics covered: this batch's, or the whole group's
  /// under synchronised BatchNorm.
  private var groupRows = 0

  /// Elements of the last pass's input (for the profile's roofline).
  var lastCount: Int { input?.count ?? 0 }
  /// Whether the last forward joined a residual (for the roofline: a tensor more read).
  private(set) var lastJoined = false

  public init(
    parameters: ParameterArena, buffers: ParameterArena, name: String, channels: Int,
    eps: Float = 1e-5, momentum: Float = 0.1, fusedReLU: Bool = false
  ) {
    self.channels = channels
    self.eps = eps
    self.momentum = momentum
    self.fusedReLU = fusedReLU
    weight = parameters.register(qualified(name, "weight"), torchShape: [channels])
    bias = parameters.register(qualified(name, "bias"), torchShape: [channels])
    runningMean = buffers.register(qualified(name, "running_mean"), torchShape: [channels])
    runningVariance = buffers.register(qualified(name, "running_var"), torchShape: [channels])
    batchesTracked = buffers.register(
      qualified(name, "num_batches_tracked"), torchShape: [], layout: .counter)
    mean = .allocate(capacity: channels)
    invStd = .allocate(capacity: channels)
    variance = .allocate(capacity: channels)
  }

  deinit {
    mean.deallocate()
    invStd.deallocate()
    variance.deallocate()
  }

  /// PyTorch's reset: weight 1, bias 0, running mean 0, running variance 1, no batches.
  public func resetToDefaults() {
    weight.fill(1)
    bias.fill(0)
    runningMean.fill(0)
    runningVariance.fill(1)
    batchesTracked.fill(0)
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    forward(input, into: output, context: context)
  }

  /// The forward pass written into `destination` (resized to the input's shape) instead of the
  /// layer's own output: the backward reads only the input (a fused ReLU's mask included), so a
  /// caller that reads the output once (a residual join) can lend it a pooled tensor.
  public func forward(_ input: Tensor, into destination: Tensor, context: ExecutionContext) -> Tensor {
    forward(input, into: destination, joining: nil, context: context)
  }

  /// A residual block's output: relu(norm(input) + residual), in one pass over the output, for
  /// the branch's last norm (no ReLU of its own; its backward reads only its input).
  public func forward(_ input: Tensor, joining residual: Tensor, context: ExecutionContext) -> Tensor {
    precondition(!fusedReLU, "the join's ReLU follows a norm without one")
    precondition(residual.count == input.count, "the residual is shaped like the norm's input")
    return forward(input, into: output, joining: residual, context: context)
  }

  private func forward(
    _ input: Tensor, into destination: Tensor, joining residual: Tensor?, context: ExecutionContext
  ) -> Tensor {
    precondition(
      input.channels == channels, "BatchNorm2d expects \(channels) channels, got \(input.channels)")
    let output = destination
    let rows = input.rows
    output.resize(like: input)
    normalisedWithBatchStatistics = context.training
    if context.training {
      batchNormStatistics(mean: mean, variance: variance, input: input.data, rows: rows, channels: channels)
      groupRows = rows
      if let group = context.synchronizedBatchNorm, group.size > 1 {
        let part =
          [Float(rows)] + UnsafeBufferPointer(start: mean, count: channels)
          + UnsafeBufferPointer(start: variance, count: channels)
        let parts = group.allGather(part)
        batchNormCombineStatistics(mean: mean, variance: variance, parts: parts, channels: channels)
        groupRows = parts.reduce(0) { $0 + Int($1[0]) }
      }
      batchNormUpdateRunning(
        runningMean: runningMean.value, runningVariance: runningVariance.value, mean: mean,
        variance: variance, rows: groupRows, channels: channels, momentum: momentum)
      batchesTracked.value[0] += 1
    } else {
      mean.update(from: runningMean.value, count: channels)
      variance.update(from: runningVariance.value, count: channels)
    }
    batchNormInverseStd(invStd, variance: variance, channels: channels, eps: eps)
    batchNormApply(
      output: output.data, input: input.data, mean: mean, invStd: invStd, gamma: weight.value,
      beta: bias.value, rows: rows, channels: channels, relu: fusedReLU || residual != nil,
      residual: residual.map { UnsafePointer($0.data) })
    self.input = input
    lastJoined = residual != nil
    return output
  }

  /// Eval mode's normalisation as y = x · scale[c] + shift[c] (running statistics), for folding
  /// into the conv before it.
  public func runningAffine(scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: channels) { buffer in
      let runningInvStd = buffer.baseAddress!
      batchNormInverseStd(runningInvStd, variance: runningVariance.value, channels: channels, eps: eps)
      batchNormAffine(
        scale: scale, shift: shift, mean: runningMean.value, invStd: runningInvStd, gamma: weight.value,
        beta: bias.value, channels: channels)
    }
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    guard let input else { preconditionFailure("BatchNorm2d.backward before forward") }
    let gradInput = context.gradients.take(like: input)
    batchNormBackward(
      gradInput: gradInput.data, gradGamma: weight.gradient, gradBeta: bias.gradient,
      gradOutput: gradOutput.data, input: input.data, mean: mean, invStd: invStd, gamma: weight.value,
      beta: bias.value, rows: input.rows, channels: channels, relu: fusedReLU,
      training: normalisedWithBatchStatistics,
      across: context.synchronizedBatchNorm.flatMap { group in
        group.size > 1 ? BatchNormGroup(rows: groupRows, sum: { group.allReduceSum($0, count: $1) }) : nil
      })
    return gradInput
  }
}

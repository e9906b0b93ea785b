import DigitsKernels

/// torch.nn.AdaptiveAvgPool2d(1) followed by flatten: [N, H, W, C] → [N, C].
public final class GlobalAvgPool: Layer {
  private let output = Tensor()
  private var inputShape = (batch: 0, height: 0, width: 0, channels: 0)

  /// Elements of the last pass's input and output (for the profile's roofline).
  var lastCounts: (input: Int, output: Int) {
    let s = inputShape
    return (s.batch * s.height * s.width * s.channels, s.batch * s.channels)
  }

  public init() {}

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    inputShape = (input.batch, input.height, input.width, input.channels)
    output.resize(batch: input.batch, channels: input.channels)
    globalAvgPoolForward(
      output: output.data, input: input.data, batch: input.batch, spatial: input.height * input.width,
      channels: input.channels)
    return output
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    let s = inputShape
    let gradInput = context.gradients.take(
      batch: s.batch, height: s.height, width: s.width, channels: s.channels)
    globalAvgPoolBackward(
      gradInput: gradInput.data, gradOutput: gradOutput.data, batch: s.batch, spatial: s.height * s.width,
      channels: s.channels)
    return gradInput
  }
}

import DigitsKernels

/// torch.nn.AdaptiveAvgPool2d(1) followed by flatten: [N, H, W, C] → [N, C].
public final class GlobalAvgPool: Layer {
  private let output = Tensor()
  private let gradInput = Tensor()
  private var inputShape = (batch: 0, height: 0, width: 0, channels: 0)

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
    gradInput.resize(batch: s.batch, height: s.height, width: s.width, channels: s.channels)
    globalAvgPoolBackward(
      gradInput: gradInput.data, gradOutput: gradOutput.data, batch: s.batch, spatial: s.height * s.width,
      channels: s.channels)
    return gradInput
  }
}

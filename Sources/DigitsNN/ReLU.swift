import DigitsKernels

/// torch.nn.ReLU (out of place; the backward pass masks by the output).
public final class ReLU: Layer {
  private let output = Tensor()

  /// Elements of the last pass (for the profile's roofline).
  var lastCount: Int { output.count }

  public init() {}

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    output.resize(like: input)
    reluForward(output: output.data, input: input.data, count: input.count)
    return output
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    let gradInput = context.gradients.take(like: output)
    reluBackward(
      gradInput: gradInput.data, gradOutput: gradOutput.data, output: output.data, count: output.count)
    return gradInput
  }
}

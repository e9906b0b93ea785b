import DigitsKernels

/// torch.nn.Linear: [N, I] → [N, O], weight [O, I] as in PyTorch.
public final class Linear: Layer {
  public let inputFeatures: Int
  public let outputFeatures: Int
  public let weight: Parameter
  public let bias: Parameter?

  private let output = Tensor()
  private var input: Tensor?

  /// Rows of the last pass (for the profile's roofline).
  var lastBatch: Int { input?.batch ?? 0 }

  public init(
    _ arena: ParameterArena, name: String, inputFeatures: Int, outputFeatures: Int, bias: Bool = true
  ) {
    self.inputFeatures = inputFeatures
    self.outputFeatures = outputFeatures
    weight = arena.register(qualified(name, "weight"), torchShape: [outputFeatures, inputFeatures])
    self.bias = bias ? arena.register(qualified(name, "bias"), torchShape: [outputFeatures]) : nil
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    precondition(
      input.count == input.batch * inputFeatures, "Linear expects \(inputFeatures) features per item")
    output.resize(batch: input.batch, channels: outputFeatures)
    linearForward(
      output: output.data, input: input.data, weight: weight.value, bias: bias?.value, batch: input.batch,
      inFeatures: inputFeatures, outFeatures: outputFeatures)
    self.input = input
    return output
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    guard let input else { preconditionFailure("Linear.backward before forward") }
    let gradInput = context.gradients.take(like: input)
    linearBackward(
      gradInput: gradInput.data, gradWeight: weight.gradient, gradBias: bias?.gradient,
      gradOutput: gradOutput.data, input: input.data, weight: weight.value, batch: input.batch,
      inFeatures: inputFeatures, outFeatures: outputFeatures)
    return gradInput
  }
}

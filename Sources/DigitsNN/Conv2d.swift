import DigitsKernels

/// torch.nn.Conv2d on NHWC activations; weight stored [O, KH, KW, I] (PyTorch: [O, I, KH, KW]).
public final class Conv2d: Layer {
  public let inputChannels: Int
  public let outputChannels: Int
  public let kernelSize: (height: Int, width: Int)
  public let stride: (height: Int, width: Int)
  public let padding: (height: Int, width: Int)
  public let weight: Parameter
  public let bias: Parameter?
  /// False for a network's first layer, whose input gradient nobody needs.
  public var computesInputGradient = true

  let output = Tensor()
  var input: Tensor?
  /// The shapes of the last forward pass.
  public internal(set) var geometry: ConvGeometry?

  public init(
    _ arena: ParameterArena, name: String, inputChannels: Int, outputChannels: Int,
    kernelSize: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    bias: Bool = false
  ) {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    weight = arena.register(
      qualified(name, "weight"), torchShape: [outputChannels, inputChannels, kernelSize.0, kernelSize.1],
      layout: .convolution)
    self.bias = bias ? arena.register(qualified(name, "bias"), torchShape: [outputChannels]) : nil
  }

  /// A square kernel with the same stride and padding along both axes.
  public convenience init(
    _ arena: ParameterArena, name: String, inputChannels: Int, outputChannels: Int,
    kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = false
  ) {
    self.init(
      arena, name: name, inputChannels: inputChannels, outputChannels: outputChannels,
      kernelSize: (kernelSize, kernelSize), stride: (stride, stride), padding: (padding, padding),
      bias: bias)
  }

  /// fan_in and fan_out as torch.nn.init computes them (channels × kernel area).
  public var fanIn: Int { inputChannels * kernelSize.height * kernelSize.width }
  public var fanOut: Int { outputChannels * kernelSize.height * kernelSize.width }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    let g = prepareOutput(for: input)
    conv2dForward(
      output: output.data, input: input.data, weight: weight.value, bias: bias?.value,
      geometry: g, workspace: workspace(g, context))
    self.input = input
    geometry = g
    return output
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    guard let input else { preconditionFailure("Conv2d.backward before forward") }
    // The network's first layer returns an empty gradient.
    let gradInput = computesInputGradient ? context.gradients.take(like: input) : Tensor()
    backward(
      gradOutput, inputGradient: computesInputGradient ? gradInput : nil, accumulate: false, context: context)
    return gradInput
  }

  /// Backward that adds the input gradient to `target` (shaped like the input) instead of
  /// writing a tensor of its own: where two gradients meet, it saves a pass that would sum them.
  public func backward(
    _ gradOutput: Tensor, accumulatingInputGradientInto target: Tensor, context: ExecutionContext
  ) {
    precondition(target.count == input?.count, "input-gradient target shaped unlike the conv input")
    backward(gradOutput, inputGradient: target, accumulate: true, context: context)
  }

  private func backward(
    _ gradOutput: Tensor, inputGradient: Tensor?, accumulate: Bool, context: ExecutionContext
  ) {
    guard let input, let g = geometry else { preconditionFailure("Conv2d.backward before forward") }
    conv2dBackward(
      gradInput: inputGradient?.data, gradWeight: weight.gradient, gradBias: bias?.gradient,
      gradOutput: gradOutput.data, input: input.data, weight: weight.value, geometry: g,
      workspace: workspace(g, context),
      flippedWeight: g.inputGradientNeedsFlippedCopy ? kernelScratch(context) : nil,
      accumulateInputGradient: accumulate)
  }

  /// The shapes of a forward pass over `input`.
  func geometry(for input: Tensor) -> ConvGeometry {
    precondition(
      input.channels == inputChannels, "conv expects \(inputChannels) channels, got \(input.channels)")
    return ConvGeometry(
      batch: input.batch, inHeight: input.height, inWidth: input.width, inChannels: inputChannels,
      outChannels: outputChannels, kernel: kernelSize, stride: stride, padding: padding)
  }

  /// The geometry of a forward pass over `input`, with `output` sized for it.
  func prepareOutput(for input: Tensor) -> ConvGeometry {
    let g = geometry(for: input)
    output.resize(batch: g.batch, height: g.outHeight, width: g.outWidth, channels: outputChannels)
    return g
  }

  func workspace(_ g: ConvGeometry, _ context: ExecutionContext) -> UnsafeMutablePointer<Float> {
    context.workspace(g.convolutionWorkspaceCount)
  }

  /// Scratch of the weight's size: in training the flipped kernel [I, KH, KW, O] for the
  /// stride-1 input gradient (see TransposedConvolution), in inference the BN-folded kernel.
  func kernelScratch(_ context: ExecutionContext) -> UnsafeMutablePointer<Float> {
    context.kernelScratch(weight.count)
  }
}

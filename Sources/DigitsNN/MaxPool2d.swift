import DigitsKernels

/// torch.nn.MaxPool2d with a square window, padding with -inf.
public final class MaxPool2d: Layer {
  public let kernelSize: Int
  public let stride: Int
  public let padding: Int

  private let output = Tensor()
  private var argmax = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
  private var argmaxCapacity = 0
  private var geometry: PoolGeometry?
  /// Eval-mode forward passes skip the argmax, which only backward reads.
  private var recordedArgmax = false

  /// Elements of the last pass's input and output (for the profile's roofline).
  var lastCounts: (input: Int, output: Int) {
    guard let g = geometry else { return (0, 0) }
    return (g.batch * g.height * g.width * g.channels, g.outputCount)
  }

  public init(kernelSize: Int, stride: Int, padding: Int = 0) {
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
  }

  deinit { argmax.deallocate() }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    let g = PoolGeometry(
      batch: input.batch, height: input.height, width: input.width, channels: input.channels,
      kernel: kernelSize, stride: stride, padding: padding)
    output.resize(batch: g.batch, height: g.outHeight, width: g.outWidth, channels: g.channels)
    if g.outputCount > argmaxCapacity {
      argmax.deallocate()
      argmax = .allocate(capacity: g.outputCount)
      argmaxCapacity = g.outputCount
    }
    maxPoolForward(
      output: output.data, argmax: context.training ? argmax : nil, input: input.data, geometry: g)
    recordedArgmax = context.training
    geometry = g
    return output
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    guard let g = geometry else { preconditionFailure("MaxPool2d.backward before forward") }
    precondition(recordedArgmax, "MaxPool2d.backward after an eval-mode forward")
    let gradInput = context.gradients.take(
      batch: g.batch, height: g.height, width: g.width, channels: g.channels)
    maxPoolBackward(gradInput: gradInput.data, gradOutput: gradOutput.data, argmax: argmax, geometry: g)
    return gradInput
  }
}

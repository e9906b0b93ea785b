import DigitsKernels
import DigitsNN

/// torchvision's BasicBlock and Bottleneck: out = relu(main(x) + shortcut(x)), where the
/// shortcut is the identity or `downsample` (1x1 conv with the stride + BN).
public final class ResidualBlock: Layer {
  public let main: Sequential
  public let downsample: Sequential?
  /// The last forward's output: the main branch's last norm's, which holds the join.
  private var output = Tensor()

  /// The BN that closes the main branch (bn2 of a BasicBlock, bn3 of a Bottleneck).
  var lastNorm: BatchNorm2d {
    guard let norm = main.layers.last as? BatchNorm2d else { preconditionFailure("a block ends with BN") }
    return norm
  }

  init(main: Sequential, downsample: Sequential?) {
    self.main = main
    self.downsample = downsample
    // The last norm writes the join, whose ReLU comes after the sum.
    precondition(!lastNorm.fusedReLU, "the join's ReLU follows the branch's last norm")
    // forward lends the shortcut's norm its output (see shortcutForward).
    precondition(
      downsample.map {
        $0.layers.count == 2 && $0.layers[0] is Conv2d && ($0.layers[1] as? BatchNorm2d)?.fusedReLU == false
      }
        ?? true, "a downsample is a conv and a norm without ReLU")
  }

  /// BasicBlock (expansion 1): conv3x3(stride)-BN-ReLU-conv3x3-BN, names conv1, bn1, conv2, bn2.
  public static func basic(
    parameters: ParameterArena, buffers: ParameterArena, name: String, inPlanes: Int, planes: Int, stride: Int
  ) -> ResidualBlock {
    let main = Sequential([
      Conv2d(
        parameters, name: qualified(name, "conv1"), inputChannels: inPlanes, outputChannels: planes,
        kernelSize: 3,
        stride: stride, padding: 1),
      BatchNorm2d(
        parameters: parameters, buffers: buffers, name: qualified(name, "bn1"), channels: planes,
        fusedReLU: true),
      Conv2d(
        parameters, name: qualified(name, "conv2"), inputChannels: planes, outputChannels: planes,
        kernelSize: 3, padding: 1),
      BatchNorm2d(parameters: parameters, buffers: buffers, name: qualified(name, "bn2"), channels: planes),
    ])
    return ResidualBlock(
      main: main,
      downsample: shortcut(parameters, buffers, name, inPlanes: inPlanes, outPlanes: planes, stride: stride))
  }

  /// Bottleneck (expansion 4, ResNet v1.5: the stride sits on the 3x3 conv):
  /// conv1x1-BN-ReLU-conv3x3(stride)-BN-ReLU-conv1x1-BN, names conv1..3, bn1..3.
  public static func bottleneck(
    parameters: ParameterArena, buffers: ParameterArena, name: String, inPlanes: Int, planes: Int, stride: Int
  ) -> ResidualBlock {
    let outPlanes = planes * 4
    let main = Sequential([
      Conv2d(
        parameters, name: qualified(name, "conv1"), inputChannels: inPlanes, outputChannels: planes,
        kernelSize: 1),
      BatchNorm2d(
        parameters: parameters, buffers: buffers, name: qualified(name, "bn1"), channels: planes,
        fusedReLU: true),
      Conv2d(
        parameters, name: qualified(name, "conv2"), inputChannels: planes, outputChannels: planes,
        kernelSize: 3,
        stride: stride, padding: 1),
      BatchNorm2d(
        parameters: parameters, buffers: buffers, name: qualified(name, "bn2"), channels: planes,
        fusedReLU: true),
      Conv2d(
        parameters, name: qualified(name, "conv3"), inputChannels: planes, outputChannels: outPlanes,
        kernelSize: 1),
      BatchNorm2d(
        parameters: parameters, buffers: buffers, name: qualified(name, "bn3"), channels: outPlanes),
    ])
    return ResidualBlock(
      main: main,
      downsample: shortcut(
        parameters, buffers, name, inPlanes: inPlanes, outPlanes: outPlanes, stride: stride))
  }

  /// torchvision adds `downsample` when the stride or the channel count changes.
  private static func shortcut(
    _ parameters: ParameterArena, _ buffers: ParameterArena, _ name: String, inPlanes: Int, outPlanes: Int,
    stride: Int
  ) -> Sequential? {
    guard stride != 1 || inPlanes != outPlanes else { return nil }
    return Sequential([
      Conv2d(
        parameters, name: qualified(name, "downsample.0"), inputChannels: inPlanes, outputChannels: outPlanes,
        kernelSize: 1, stride: stride),
      BatchNorm2d(
        parameters: parameters, buffers: buffers, name: qualified(name, "downsample.1"), channels: outPlanes),
    ])
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    if context.inference {
      // The join and its ReLU happen inside the main branch's last conv (see Sequential).
      let identity = downsample?.forward(input, context: context) ?? input
      return main.forwardFolding(input, residual: identity, context: context)
    }
    // The shortcut first, so that the branch's last norm writes the join, relu(norm + shortcut),
    // as it normalises: nothing needs the norm's value before the join (its backward reads only
    // its input).
    let identity = shortcutForward(input, context: context)
    let branch = main.forward(input, joining: identity, context: context)
    if identity !== input { context.gradients.giveBack(identity) }
    output = branch
    return output
  }

  /// The shortcut's output for the join: the input itself, or the downsample's, whose norm
  /// writes into a tensor lent by the context's pool (its backward reads only its input, so the
  /// output is dead once joined; the pool's tensors sit idle until backward anyway).
  private func shortcutForward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    guard let downsample else { return input }
    let (conv, norm) = (downsample.layers[0] as! Conv2d, downsample.layers[1] as! BatchNorm2d)
    let unnormalised = context.timed(conv, "forward") { conv.forward(input, context: context) }
    let identity = context.gradients.take(like: unnormalised)
    return context.timed(norm, "forward") { norm.forward(unnormalised, into: identity, context: context) }
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    let gradJoin = context.gradients.take(like: output)
    context.timed(.activation, "backward", work: .floats(3 * output.count, flops: Double(output.count))) {
      reluBackward(
        gradInput: gradJoin.data, gradOutput: gradOutput.data, output: output.data, count: output.count)
    }
    // The shortcut's gradient first; the main branch's first conv then adds its input gradient
    // onto it in its GEMM, with no pass of its own to sum the two. With an identity shortcut
    // that sum lands in gradJoin, which the branch's last layer has read by then.
    let gradShortcut = downsample?.backward(gradJoin, context: context) ?? gradJoin
    let gradInput = main.backward(gradJoin, accumulatingInputGradientInto: gradShortcut, context: context)
    if gradJoin !== gradInput { context.gradients.giveBack(gradJoin) }
    return gradInput
  }
}

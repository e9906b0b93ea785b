import DigitsKernels

/// Layers applied in order; backward runs them in reverse.
public final class Sequential: Layer {
  public let layers: [any Layer]

  public init(_ layers: [any Layer]) {
    self.layers = layers
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    if context.inference {
      return forwardFolding(input, residual: nil, context: context)
    }
    var x = input
    for layer in layers {
      x = context.timed(layer, "forward") { layer.forward(x, context: context) }
    }
    return x
  }

  /// A residual block's branch outside inference (training, and evaluation without folding):
  /// the layers, the last of which must be a BatchNorm2d without ReLU, which joins `residual` as
  /// it normalises (relu(norm(x) + residual)).
  public func forward(_ input: Tensor, joining residual: Tensor, context: ExecutionContext) -> Tensor {
    guard let norm = layers.last as? BatchNorm2d else { preconditionFailure("a residual joins after a norm") }
    var x = input
    for layer in layers.dropLast() {
      x = context.timed(layer, "forward") { layer.forward(x, context: context) }
    }
    return context.timed(norm, "forward") { norm.forward(x, joining: residual, context: context) }
  }

  /// Inference: each Conv2d followed by a BatchNorm2d runs as one conv with the norm folded in
  /// (`Conv2d.forward(_:foldingIn:...)`) where that saves memory traffic. A `residual` joins at
  /// the end, which must then be such a pair: the result is relu(norm(conv(x)) + residual), a
  /// residual block's output.
  public func forwardFolding(_ input: Tensor, residual: Tensor?, context: ExecutionContext) -> Tensor {
    var x = input
    var index = 0
    while index < layers.count {
      let layer = layers[index]
      if let conv = layer as? Conv2d, index + 1 < layers.count, let norm = layers[index + 1] as? BatchNorm2d {
        let joins = index + 2 == layers.count ? residual : nil
        x = context.timed(conv, "forward") {
          guard conv.foldingPays(for: x) else {
            let unnormalized = conv.forward(x, context: context)
            guard let joins else { return norm.forward(unnormalized, context: context) }
            return norm.forward(unnormalized, joining: joins, context: context)
          }
          return conv.forward(
            x, foldingIn: norm, residual: joins, relu: norm.fusedReLU || joins != nil, context: context)
        }
        index += 2
        continue
      }
      precondition(
        residual == nil || index + 1 < layers.count, "a residual joins only after conv → BatchNorm")
      x = context.timed(layer, "forward") { layer.forward(x, context: context) }
      index += 1
    }
    return x
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    backward(gradOutput, through: layers[...], context: context)
  }

  /// Backward whose input gradient is added to `target` (a residual block's shortcut gradient)
  /// and returned: a first conv adds its own in its GEMM; any other first layer's is summed in.
  public func backward(
    _ gradOutput: Tensor, accumulatingInputGradientInto target: Tensor, context: ExecutionContext
  ) -> Tensor {
    let g = backward(gradOutput, through: layers.dropFirst(), context: context)
    defer { if g !== gradOutput { context.gradients.giveBack(g) } }
    guard let first = layers.first else {
      accumulate(target.data, g.data, count: target.count)
      return target
    }
    context.timed(first, "backward") {
      if let conv = first as? Conv2d {
        conv.backward(g, accumulatingInputGradientInto: target, context: context)
      } else {
        let gradInput = first.backward(g, context: context)
        accumulate(target.data, gradInput.data, count: target.count)
        context.gradients.giveBack(gradInput)
      }
    }
    context.backwardFinished?(first)
    return target
  }

  /// Runs `slice` backward, last layer first; each gradient between two layers goes back to the
  /// pool once the layer before has read it (`gradOutput` stays the caller's).
  private func backward(_ gradOutput: Tensor, through slice: ArraySlice<any Layer>, context: ExecutionContext)
    -> Tensor
  {
    var g = gradOutput
    for layer in slice.reversed() {
      let gradInput = context.timed(layer, "backward") { layer.backward(g, context: context) }
      context.backwardFinished?(layer)
      if g !== gradOutput && g !== gradInput { context.gradients.giveBack(g) }
      g = gradInput
    }
    return g
  }
}

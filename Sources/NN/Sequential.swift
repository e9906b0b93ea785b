/// Layers applied in order; backward runs them in reverse.
public final class Sequential: Layer {
  public let layers: [any Layer]

  public init(_ layers: [any Layer]) {
    self.layers = layers
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    var x = input
    for layer in layers {
      x = context.timed(layer.operationKind, "forward") { layer.forward(x, context: context) }
    }
    return x
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    var g = gradOutput
    for layer in layers.reversed() {
      g = context.timed(layer.operationKind, "backward") { layer.backward(g, context: context) }
    }
    return g
  }
}

/// A leaf layer that owns parameters, whose gradients are final once its backward has run: an
/// optimiser may step them right then (see `ParameterArena.shareGradientWindow(among:)`).
public protocol ParameterizedLayer: Layer {
  /// Its parameters in registration order, adjacent in their arena.
  var ownParameters: [Parameter] { get }
}

extension ParameterizedLayer {
  /// The arena offsets its parameters fill.
  public var parameterRange: Range<Int> {
    let parameters = ownParameters
    return parameters.map(\.offset).min()!..<parameters.map { $0.offset + $0.count }.max()!
  }
}

extension Conv2d: ParameterizedLayer {
  public var ownParameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
}

extension BatchNorm2d: ParameterizedLayer {
  public var ownParameters: [Parameter] { [weight, bias] }
}

extension Linear: ParameterizedLayer {
  public var ownParameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
}

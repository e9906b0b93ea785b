/// What happens to each conv output after the sum over taps, before it is stored:
/// y + bias[oc] (+ residual at the same index), then max(y, 0) when `relu`. Inference folds a
/// whole `conv → BN (→ + shortcut) → ReLU` chain into this (see `foldedConvForward`).
public struct ConvEpilogue {
  /// [OC], or nil for none.
  public var bias: UnsafePointer<Float>?
  /// Shaped like the output, or nil for none.
  public var residual: UnsafePointer<Float>?
  public var relu: Bool

  public init(bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil, relu: Bool = false) {
    self.bias = bias
    self.residual = residual
    self.relu = relu
  }

  /// Eight outputs for channels `channel..<channel + lanes` at flat index `index`.
  @inline(__always)
  func apply(_ sum: Float8, index: Int, channel: Int, lanes: Int) -> Float8 {
    var value = sum
    if let bias { value += (bias + channel).load8(lanes: lanes) }
    if let residual { value += (residual + index).load8(lanes: lanes) }
    return relu ? rectified(value) : value
  }
}

import DigitsKernels

/// torch.nn.CrossEntropyLoss (mean reduction, optional label smoothing) over logits [N, K].
public final class CrossEntropyLoss {
  public let labelSmoothing: Float
  /// Softmax of the last forward's logits, [N, K]: predictions come from here too.
  public let probabilities = Tensor()
  private let gradLogits = Tensor()
  private var labels: UnsafePointer<Int32>?

  public init(labelSmoothing: Float = 0) {
    self.labelSmoothing = labelSmoothing
  }

  /// Returns the mean loss. `labels` ([N], in 0..<K) must stay valid until `backward`.
  public func forward(_ logits: Tensor, labels: UnsafePointer<Int32>) -> Float {
    probabilities.resize(like: logits)
    self.labels = labels
    return crossEntropyForward(
      probabilities: probabilities.data, logits: logits.data, labels: labels, batch: logits.batch,
      classes: logits.channels, labelSmoothing: labelSmoothing)
  }

  /// Gradient of the mean loss with respect to the logits.
  public func backward() -> Tensor {
    guard let labels else { preconditionFailure("CrossEntropyLoss.backward before forward") }
    gradLogits.resize(like: probabilities)
    crossEntropyBackward(
      gradLogits: gradLogits.data, probabilities: probabilities.data, labels: labels,
      batch: probabilities.batch, classes: probabilities.channels, labelSmoothing: labelSmoothing)
    return gradLogits
  }
}

extension CrossEntropyLoss {
  /// The arg-max class of item `n` of the last forward (the first on ties).
  public func predictedClass(_ n: Int) -> Int {
    let classes = probabilities.channels
    let row = probabilities.data + n * classes
    var best = 0
    for k in 1..<classes where row[k] > row[best] { best = k }
    return best
  }
}

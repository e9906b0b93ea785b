import Foundation

/// Softmax cross-entropy, mean over the batch, with PyTorch's label smoothing ε: the target
/// is (1 - ε)·onehot + ε / K. logits: [N, K], labels: [N] → probabilities [N, K];
/// returns the mean loss. Computed in Double per row (log-sum-exp with the max subtracted).
public func crossEntropyForward(
  probabilities: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
  labels: UnsafePointer<Int32>, batch: Int, classes: Int, labelSmoothing: Float = 0
) -> Float {
  var total = 0.0
  let smoothing = Double(labelSmoothing)
  for n in 0..<batch {
    let row = logits + n * classes
    let probs = probabilities + n * classes
    var largest = -Double.infinity
    for k in 0..<classes { largest = max(largest, Double(row[k])) }
    var sum = 0.0
    for k in 0..<classes { sum += exp(Double(row[k]) - largest) }
    let logSum = largest + log(sum)
    var smoothed = 0.0
    for k in 0..<classes {
      let logProbability = Double(row[k]) - logSum
      probs[k] = Float(exp(logProbability))
      smoothed -= logProbability
    }
    let label = Int(labels[n])
    let nll = logSum - Double(row[label])
    total += (1 - smoothing) * nll + smoothing * smoothed / Double(classes)
  }
  return Float(total / Double(batch))
}

/// Gradient of the mean loss: gradLogits[n, k] = (p[n, k] - target[n, k]) / N.
public func crossEntropyBackward(
  gradLogits: UnsafeMutablePointer<Float>, probabilities: UnsafePointer<Float>,
  labels: UnsafePointer<Int32>, batch: Int, classes: Int, labelSmoothing: Float = 0
) {
  let scale = 1 / Float(batch)
  let offValue = labelSmoothing / Float(classes)
  for n in 0..<batch {
    for k in 0..<classes {
      let target = offValue + (k == Int(labels[n]) ? 1 - labelSmoothing : 0)
      gradLogits[n * classes + k] = (probabilities[n * classes + k] - target) * scale
    }
  }
}

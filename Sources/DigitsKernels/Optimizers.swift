import Foundation

/// Hyper-parameters of Adam / AdamW as torch.optim defines them.
public struct AdamHyper: Equatable, Sendable, Codable {
  public var learningRate: Float
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var eps: Float = 1e-8
  public var weightDecay: Float = 0
  /// AdamW: decay the weights directly instead of adding wd·param to the gradient.
  public var decoupled = false

  public init(
    learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
    weightDecay: Float = 0, decoupled: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    self.decoupled = decoupled
  }
}

/// One Adam step over a flat arena, exactly torch.optim.Adam's single-tensor update:
/// m ← lerp(m, g, 1-β1); v ← β2·v + (1-β2)·g²; p ← p - lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε).
/// `step` is t, counted from 1. All buffers [count].
public func adamStep(
  parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
  firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
  count: Int, step: Int, hyper h: AdamHyper
) {
  let stepSize = h.learningRate / (1 - pow(h.beta1, Float(step)))
  let correction2Sqrt = (1 - pow(h.beta2, Float(step))).squareRoot()
  let l2 = h.decoupled ? 0 : h.weightDecay
  let keep = h.decoupled ? 1 - h.learningRate * h.weightDecay : 1
  let (oneMinusBeta1, oneMinusBeta2, beta2, eps) = (1 - h.beta1, 1 - h.beta2, h.beta2, h.eps)
  // A plain loop, which LLVM vectorises to vsqrtps and vdivps: SIMD8's squareRoot() compiles to
  // eight scalar square roots, which made this loop compute-bound at twice its memory time.
  // The same IEEE operations per element either way, so the same bits.
  parallelChunks(count, grain: 1 << 16) { range in
    for i in range {
      let p = parameters[i] * keep
      let g = gradients[i] + l2 * p
      let previous = firstMoment[i]
      let m = previous + oneMinusBeta1 * (g - previous)
      let v = beta2 * secondMoment[i] + oneMinusBeta2 * g * g
      firstMoment[i] = m
      secondMoment[i] = v
      parameters[i] = p - stepSize * (m / (v.squareRoot() / correction2Sqrt + eps))
    }
  }
}

/// Hyper-parameters of torch.optim.SGD.
public struct SGDHyper: Equatable, Sendable, Codable {
  public var learningRate: Float
  public var momentum: Float = 0
  public var dampening: Float = 0
  public var weightDecay: Float = 0
  public var nesterov = false

  public init(
    learningRate: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
    nesterov: Bool = false
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }
}

/// One SGD step as torch.optim.SGD: g += wd·p; the momentum buffer starts as g on step 1,
/// then b ← μ·b + (1-dampening)·g; g ← nesterov ? g + μ·b : b; p ← p - lr·g.
public func sgdStep(
  parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
  momentumBuffer: UnsafeMutablePointer<Float>, count: Int, step: Int, hyper h: SGDHyper
) {
  let first = step == 1
  parallelChunks(count, grain: 1 << 16) { range in
    for i in range {
      var g = gradients[i] + h.weightDecay * parameters[i]
      if h.momentum != 0 {
        let buffer = first ? g : h.momentum * momentumBuffer[i] + (1 - h.dampening) * g
        momentumBuffer[i] = buffer
        g = h.nesterov ? g + h.momentum * buffer : buffer
      }
      parameters[i] -= h.learningRate * g
    }
  }
}

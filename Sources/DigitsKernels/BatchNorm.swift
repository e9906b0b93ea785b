/// Per-channel batch statistics of NHWC activations viewed as [rows = N·H·W, C]:
/// `mean[c]` and the biased `variance[c]` (what training normalises with), two-pass in Double.
public func batchNormStatistics(
  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
  input: UnsafePointer<Float>, rows: Int, channels: Int
) {
  let count = Double(rows)
  withColumnSums(input, rows: rows, columns: channels) { sums in
    for c in 0..<channels { mean[c] = Float(sums[c] / count) }
  }
  withBlockedColumnReduction(rows: rows, columns: channels, values: 1) { row, block in
    let line = input + row * channels
    forEachGroupOf8(0..<channels) { c, lanes in
      let centred = (line + c).load8(lanes: lanes) - (mean + c).load8(lanes: lanes)
      (block + c).store8((block + c).load8(lanes: lanes) + centred * centred, lanes: lanes)
    }
  } body: { squares in
    for c in 0..<channels { variance[c] = Float(squares[c] / count) }
  }
}

/// PyTorch's running-statistics update: running = (1 - momentum)·running + momentum·batch,
/// with the batch variance made unbiased (× n / (n - 1)) for running_var.
public func batchNormUpdateRunning(
  runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
  mean: UnsafePointer<Float>, variance: UnsafePointer<Float>, rows: Int, channels: Int,
  momentum: Float
) {
  let unbias = rows > 1 ? Float(rows) / Float(rows - 1) : 1
  for c in 0..<channels {
    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
    runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance[c] * unbias
  }
}

/// invStd[c] = 1 / sqrt(variance[c] + eps).
public func batchNormInverseStd(
  _ invStd: UnsafeMutablePointer<Float>, variance: UnsafePointer<Float>, channels: Int, eps: Float
) {
  for c in 0..<channels { invStd[c] = 1 / (variance[c] + eps).squareRoot() }
}

/// BatchNorm as y = x · scale[c] + shift[c]: scale = invStd · gamma, shift = beta - mean · scale.
public func batchNormAffine(
  scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>, mean: UnsafePointer<Float>,
  invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, channels: Int
) {
  for c in 0..<channels {
    scale[c] = invStd[c] * gamma[c]
    shift[c] = beta[c] - mean[c] * scale[c]
  }
}

/// y = (x - mean[c]) · invStd[c] · gamma[c] + beta[c], then max(y, 0) when `relu`.
/// input, output: [rows, C] (may alias).
public func batchNormApply(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
  gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: Bool
) {
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * channels) { buffer in
    let scale = buffer.baseAddress!
    let shift = scale + channels
    batchNormAffine(
      scale: scale, shift: shift, mean: mean, invStd: invStd, gamma: gamma, beta: beta, channels: channels)
    parallelChunks(rows, grain: max(1, 16384 / channels)) { range in
      for row in range {
        let src = input + row * channels
        let dst = output + row * channels
        forEachGroupOf8(0..<channels) { c, lanes in
          let y =
            (src + c).load8(lanes: lanes) * (scale + c).load8(lanes: lanes) + (shift + c).load8(lanes: lanes)
          (dst + c).store8(relu ? rectified(y) : y, lanes: lanes)
        }
      }
    }
  }
}

/// BatchNorm backward (train mode when `training`, else eval with running statistics in
/// mean/invStd). With `relu`, gradOutput is first masked by output > 0 (fused ReLU).
/// Accumulates gradGamma/gradBeta [C]; overwrites gradInput [rows, C].
/// Train: dx = gamma·invStd·(dy - Σdy/n - x̂·Σ(dy·x̂)/n); eval: dx = gamma·invStd·dy.
/// With `across` (synchronised BatchNorm), Σdy, Σ(dy·x̂) and n are those of the whole group's
/// batch, while gradGamma/gradBeta keep this process's sums (the gradient all-reduce adds them).
public func batchNormBackward(
  gradInput: UnsafeMutablePointer<Float>, gradGamma: UnsafeMutablePointer<Float>,
  gradBeta: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: Bool, training: Bool, across: BatchNormGroup? = nil
) {
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * channels) { buffer in
    batchNormBackward(
      gradInput: gradInput, gradGamma: gradGamma, gradBeta: gradBeta, gradOutput: gradOutput, input: input,
      output: output, mean: mean, invStd: invStd, gamma: gamma, rows: rows, channels: channels, relu: relu,
      training: training, across: across, coefficients: buffer.baseAddress!)
  }
}

/// The backward pass with its per-channel coefficients in `coefficients` ([3 · C] floats).
private func batchNormBackward(
  gradInput: UnsafeMutablePointer<Float>, gradGamma: UnsafeMutablePointer<Float>,
  gradBeta: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: Bool, training: Bool, across: BatchNormGroup?,
  coefficients: UnsafeMutablePointer<Float>
) {
  let (scale, slope, offset) = (coefficients, coefficients + channels, coefficients + 2 * channels)
  withBlockedColumnReduction(rows: rows, columns: channels, values: 2) { row, block in
    let (dy, x, y) = (gradOutput + row * channels, input + row * channels, output + row * channels)
    forEachGroupOf8(0..<channels) { c, lanes in
      let g = gated(dy + c, y + c, relu: relu, lanes: lanes)
      let xHat =
        ((x + c).load8(lanes: lanes) - (mean + c).load8(lanes: lanes)) * (invStd + c).load8(lanes: lanes)
      let (sumDy, sumDyXhat) = (block + c, block + channels + c)
      sumDy.store8(sumDy.load8(lanes: lanes) + g, lanes: lanes)
      sumDyXhat.store8(sumDyXhat.load8(lanes: lanes) + g * xHat, lanes: lanes)
    }
  } body: { localSums in
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * channels) { buffer in
      let sums = buffer.baseAddress!
      sums.update(from: localSums, count: 2 * channels)
      for c in 0..<channels {
        gradBeta[c] += Float(sums[c])
        gradGamma[c] += Float(sums[channels + c])
      }
      if training, let across { across.sum(sums, 2 * channels) }
      let n = Float(training ? across?.rows ?? rows : rows)
      for c in 0..<channels {
        let sumDy = Float(sums[c])
        let sumDyXhat = Float(sums[channels + c])
        scale[c] = gamma[c] * invStd[c]
        slope[c] = training ? -scale[c] * sumDyXhat / n : 0
        offset[c] = training ? -scale[c] * sumDy / n : 0
      }
    }
  }
  parallelChunks(rows, grain: max(1, 16384 / channels)) { range in
    for row in range {
      let (dy, x, y) = (gradOutput + row * channels, input + row * channels, output + row * channels)
      let dx = gradInput + row * channels
      forEachGroupOf8(0..<channels) { c, lanes in
        let g = gated(dy + c, y + c, relu: relu, lanes: lanes)
        let xHat =
          ((x + c).load8(lanes: lanes) - (mean + c).load8(lanes: lanes)) * (invStd + c).load8(lanes: lanes)
        let sum = (scale + c).load8(lanes: lanes) * g + (slope + c).load8(lanes: lanes) * xHat
        (dx + c).store8(sum + (offset + c).load8(lanes: lanes), lanes: lanes)
      }
    }
  }
}

/// dy, or with a fused ReLU dy where the output is positive and 0 elsewhere.
@inline(__always)
private func gated(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, relu: Bool, lanes: Int) -> Float8 {
  let gradient = dy.load8(lanes: lanes)
  guard relu else { return gradient }
  return Float8().replacing(with: gradient, where: y.load8(lanes: lanes) .> 0)
}

/// The processes a synchronised BatchNorm normalises over: `rows` of the whole batch (all
/// processes' N·H·W) and `sum`, which adds a buffer of Doubles over the processes in place.
public struct BatchNormGroup {
  public let rows: Int
  public let sum: (UnsafeMutablePointer<Double>, Int) -> Void

  public init(rows: Int, sum: @escaping (UnsafeMutablePointer<Double>, Int) -> Void) {
    (self.rows, self.sum) = (rows, sum)
  }
}

/// The group's mean and biased variance per channel from each process's [rows, mean[C],
/// variance[C]] (Chan et al.'s pairwise combination in Double: no E[x²] - mean² cancellation).
public func batchNormCombineStatistics(
  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, parts: [[Float]], channels: Int
) {
  let total = parts.reduce(0.0) { $0 + Double($1[0]) }
  for c in 0..<channels {
    var combined = 0.0
    for part in parts { combined += Double(part[0]) * Double(part[1 + c]) }
    combined /= total
    var squares = 0.0
    for part in parts {
      let (n, m, v) = (Double(part[0]), Double(part[1 + c]), Double(part[1 + channels + c]))
      squares += n * v + n * (m - combined) * (m - combined)
    }
    mean[c] = Float(combined)
    variance[c] = Float(squares / total)
  }
}

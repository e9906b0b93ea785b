/// Per-channel batch statistics of NHWC activations viewed as [rows = N·H·W, C]:
/// `mean[c]` and the biased `variance[c]` (what training normalises with), in one pass over
/// memory. Each worker takes its rows 64 at a time: the block's sums, then its squares about
/// the block's mean while the block is still in cache (float32, the rounding of a 64-term sum),
/// merged into the worker's running mean and sum of squares in Double by Chan et al.'s update,
/// as the workers are at the end: no E[x²] - mean² cancellation, whatever the mean.
public func batchNormStatistics(
  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
  input: UnsafePointer<Float>, rows: Int, channels: Int
) {
  let workers = min(Workers.count, max(1, rows * channels / 16384))
  let per = (rows + workers - 1) / workers
  // Per worker: its rows' mean [C], then their sum of squared deviations [C].
  withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * channels * workers) { buffer in
    let moments = buffer.baseAddress!
    parallelFor(workers) { worker in
      let range = min(rows, worker * per)..<min(rows, (worker + 1) * per)
      accumulateMoments(
        mean: moments + 2 * channels * worker, squares: moments + 2 * channels * worker + channels,
        input: input, rows: range, channels: channels)
    }
    let (total, totalSquares) = (moments, moments + channels)
    var count = Double(min(rows, per))
    for worker in 1..<workers {
      let size = Double(max(0, min(rows, (worker + 1) * per) - worker * per))
      mergeMoments(
        mean: total, squares: totalSquares, count: count, with: moments + 2 * channels * worker,
        moments + 2 * channels * worker + channels, count: size, channels: channels)
      count += size
    }
    for c in 0..<channels {
      mean[c] = Float(total[c])
      variance[c] = Float(totalSquares[c] / Double(rows))
    }
  }
}

/// The mean [C] and sum of squared deviations [C] of input's rows in `range`, by blocks of 64
/// rows (see `batchNormStatistics`).
private func accumulateMoments(
  mean: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>, input: UnsafePointer<Float>,
  rows range: Range<Int>, channels: Int
) {
  mean.initialize(repeating: 0, count: channels)
  squares.initialize(repeating: 0, count: channels)
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * channels) { buffer in
    let (sums, blockSquares) = (buffer.baseAddress!, buffer.baseAddress! + channels)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * channels) { blockMoments in
      let (blockMean, blockM2) = (blockMoments.baseAddress!, blockMoments.baseAddress! + channels)
      var count = 0.0
      for start in stride(from: range.lowerBound, to: range.upperBound, by: 64) {
        let end = min(start + 64, range.upperBound)
        let size = Double(end - start)
        sums.initialize(repeating: 0, count: channels)
        blockSquares.initialize(repeating: 0, count: channels)
        for row in start..<end {
          let line = input + row * channels
          forEachGroupOf8(0..<channels) { c, lanes in
            (sums + c).store8((sums + c).load8(lanes: lanes) + (line + c).load8(lanes: lanes), lanes: lanes)
          }
        }
        // The block's mean in float32 to centre by; its exact value goes to the merge.
        for c in 0..<channels { blockMean[c] = Double(sums[c]) / size }
        for c in 0..<channels { sums[c] = Float(blockMean[c]) }
        for row in start..<end {
          let line = input + row * channels
          forEachGroupOf8(0..<channels) { c, lanes in
            let centred = (line + c).load8(lanes: lanes) - (sums + c).load8(lanes: lanes)
            let square = (blockSquares + c).load8(lanes: lanes) + centred * centred
            (blockSquares + c).store8(square, lanes: lanes)
          }
        }
        // Squares about the float32 mean exceed those about the exact one by size·(difference)².
        for c in 0..<channels {
          let offset = blockMean[c] - Double(sums[c])
          blockM2[c] = Double(blockSquares[c]) - size * offset * offset
        }
        mergeMoments(
          mean: mean, squares: squares, count: count, with: blockMean, blockM2, count: size,
          channels: channels)
        count += size
      }
    }
  }
}

/// Chan et al.'s pairwise combination: (mean, squares) over `count` rows takes in the moments of
/// `otherCount` more rows.
private func mergeMoments(
  mean: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>, count: Double,
  with otherMean: UnsafePointer<Double>, _ otherSquares: UnsafePointer<Double>, count otherCount: Double,
  channels: Int
) {
  let total = count + otherCount
  guard otherCount > 0 else { return }
  for c in 0..<channels {
    let delta = otherMean[c] - mean[c]
    mean[c] += delta * otherCount / total
    squares[c] += otherSquares[c] + delta * delta * count * otherCount / total
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

/// y = (x - mean[c]) · invStd[c] · gamma[c] + beta[c], plus `residual` where given (a residual
/// join, the same sum as `addReluForward` of the norm's output), then max(y, 0) when `relu`.
/// input, output, residual: [rows, C] (may alias).
public func batchNormApply(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
  gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: Bool, residual: UnsafePointer<Float>? = nil
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
        let joined = residual.map { $0 + row * channels }
        forEachGroupOf8(0..<channels) { c, lanes in
          var y = normalized((src + c).load8(lanes: lanes), scale + c, shift + c, lanes: lanes)
          if let joined { y += (joined + c).load8(lanes: lanes) }
          (dst + c).store8(relu ? rectified(y) : y, lanes: lanes)
        }
      }
    }
  }
}

/// x · scale + shift for eight channels: the forward's normalisation, and what the backward
/// finds a fused ReLU's mask from again (one expression, so the same bits both ways).
@inline(__always)
private func normalized(
  _ x: Float8, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, lanes: Int
) -> Float8 {
  x * scale.load8(lanes: lanes) + shift.load8(lanes: lanes)
}

/// BatchNorm backward (train mode when `training`, else eval with running statistics in
/// mean/invStd). With `relu`, gradOutput is first masked where the forward's output was
/// positive (fused ReLU), which it finds again from the input: `batchNormApply`'s same
/// x · scale + shift, so the same sign, without reading the output.
/// Accumulates gradGamma/gradBeta [C]; overwrites gradInput [rows, C].
/// Train: dx = gamma·invStd·(dy - Σdy/n - x̂·Σ(dy·x̂)/n); eval: dx = gamma·invStd·dy.
/// With `across` (synchronised BatchNorm), Σdy, Σ(dy·x̂) and n are those of the whole group's
/// batch, while gradGamma/gradBeta keep this process's sums (the gradient all-reduce adds them).
public func batchNormBackward(
  gradInput: UnsafeMutablePointer<Float>, gradGamma: UnsafeMutablePointer<Float>,
  gradBeta: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
  beta: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: Bool, training: Bool, across: BatchNormGroup? = nil
) {
  withUnsafeTemporaryAllocation(of: Float.self, capacity: (relu ? 5 : 3) * channels) { buffer in
    let coefficients = buffer.baseAddress!
    let (forwardScale, forwardShift) = (coefficients + 3 * channels, coefficients + 4 * channels)
    if relu {
      batchNormAffine(
        scale: forwardScale, shift: forwardShift, mean: mean, invStd: invStd, gamma: gamma, beta: beta,
        channels: channels)
    }
    batchNormBackward(
      gradInput: gradInput, gradGamma: gradGamma, gradBeta: gradBeta, gradOutput: gradOutput, input: input,
      mean: mean, invStd: invStd, gamma: gamma, rows: rows, channels: channels,
      relu: relu ? (UnsafePointer(forwardScale), UnsafePointer(forwardShift)) : nil, training: training,
      across: across, coefficients: coefficients)
  }
}

/// The backward pass with its per-channel coefficients in `coefficients` ([3 · C] floats);
/// `relu` holds the forward's scale and shift when it had one.
private func batchNormBackward(
  gradInput: UnsafeMutablePointer<Float>, gradGamma: UnsafeMutablePointer<Float>,
  gradBeta: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
  rows: Int, channels: Int, relu: ForwardAffine?,
  training: Bool, across: BatchNormGroup?, coefficients: UnsafeMutablePointer<Float>
) {
  let (scale, slope, offset) = (coefficients, coefficients + channels, coefficients + 2 * channels)
  withBlockedColumnReduction(rows: rows, columns: channels, values: 2) { row, block in
    let (dy, x) = (gradOutput + row * channels, input + row * channels)
    forEachGroupOf8(0..<channels) { c, lanes in
      let value = (x + c).load8(lanes: lanes)
      let g = gated(dy + c, value, c, relu: relu, lanes: lanes)
      let xHat = (value - (mean + c).load8(lanes: lanes)) * (invStd + c).load8(lanes: lanes)
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
      let (dy, x) = (gradOutput + row * channels, input + row * channels)
      let dx = gradInput + row * channels
      forEachGroupOf8(0..<channels) { c, lanes in
        let value = (x + c).load8(lanes: lanes)
        let g = gated(dy + c, value, c, relu: relu, lanes: lanes)
        let xHat = (value - (mean + c).load8(lanes: lanes)) * (invStd + c).load8(lanes: lanes)
        let sum = (scale + c).load8(lanes: lanes) * g + (slope + c).load8(lanes: lanes) * xHat
        (dx + c).store8(sum + (offset + c).load8(lanes: lanes), lanes: lanes)
      }
    }
  }
}

/// The forward's y = x · scale[c] + shift[c] (`batchNormAffine`), which a fused ReLU's mask is
/// found again from.
private typealias ForwardAffine = (scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)

/// dy, or with a fused ReLU dy where the forward's x · scale + shift (before the ReLU) was
/// positive and 0 elsewhere.
@inline(__always)
private func gated(
  _ dy: UnsafePointer<Float>, _ x: Float8, _ c: Int,
  relu: ForwardAffine?, lanes: Int
) -> Float8 {
  let gradient = dy.load8(lanes: lanes)
  guard let relu else { return gradient }
  let output = normalized(x, relu.scale + c, relu.shift + c, lanes: lanes)
  return Float8().replacing(with: gradient, where: output .> 0)
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
/// variance[C]], merged in Double by `mergeMoments` (no E[x²] - mean² cancellation).
public func batchNormCombineStatistics(
  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, parts: [[Float]], channels: Int
) {
  withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * channels) { buffer in
    let (total, totalSquares) = (buffer.baseAddress!, buffer.baseAddress! + channels)
    let (partMean, partSquares) = (buffer.baseAddress! + 2 * channels, buffer.baseAddress! + 3 * channels)
    total.initialize(repeating: 0, count: 2 * channels)
    var count = 0.0
    for part in parts {
      let rows = Double(part[0])
      for c in 0..<channels {
        partMean[c] = Double(part[1 + c])
        partSquares[c] = rows * Double(part[1 + channels + c])
      }
      mergeMoments(
        mean: total, squares: totalSquares, count: count, with: partMean, partSquares, count: rows,
        channels: channels)
      count += rows
    }
    for c in 0..<channels {
      mean[c] = Float(total[c])
      variance[c] = Float(totalSquares[c] / count)
    }
  }
}

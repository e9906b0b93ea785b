/// Shapes of a 2-D max-pool over NHWC activations (square window, PyTorch floor mode).
public struct PoolGeometry: Equatable, Sendable {
  public var batch: Int, height: Int, width: Int, channels: Int
  public var kernel: Int, stride: Int, padding: Int

  public init(batch: Int, height: Int, width: Int, channels: Int, kernel: Int, stride: Int, padding: Int) {
    self.batch = batch
    self.height = height
    self.width = width
    self.channels = channels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
  public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
  public var inputCount: Int { batch * height * width * channels }
  public var outputCount: Int { batch * outHeight * outWidth * channels }
}

/// MaxPool2d forward with -inf padding. input: [N, H, W, C] → output: [N, OH, OW, C];
/// argmax: [N, OH, OW, C], the flat input index of each maximum (the first one on ties,
/// scanning the window row by row, as PyTorch does), or nil when no backward pass follows.
public func maxPoolForward(
  output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
  input: UnsafePointer<Float>, geometry g: PoolGeometry
) {
  let (oh, ow, c) = (g.outHeight, g.outWidth, g.channels)
  let laneOffsets = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
  parallelFor(g.batch * oh) { rowBlock in
    let n = rowBlock / oh
    let y = rowBlock % oh
    for x in 0..<ow {
      let pixel = ((n * oh + y) * ow + x) * c
      // Eight channels at a time, the window scanned row by row in registers: the first tap
      // inside the image, then any tap that is larger or NaN (PyTorch propagates NaN).
      forEachGroupOf8(0..<c) { channel, lanes in
        var best = Float8(repeating: -.infinity)
        var index = SIMD8<Int32>(repeating: -1)
        var first = true
        for ky in 0..<g.kernel {
          let iy = y * g.stride - g.padding + ky
          guard iy >= 0 && iy < g.height else { continue }
          for kx in 0..<g.kernel {
            let ix = x * g.stride - g.padding + kx
            guard ix >= 0 && ix < g.width else { continue }
            let base = ((n * g.height + iy) * g.width + ix) * c + channel
            let value = (input + base).load8(lanes: lanes)
            let indices = SIMD8<Int32>(repeating: Int32(base)) &+ laneOffsets
            if first {
              (best, index, first) = (value, indices, false)
              continue
            }
            let wins = (value .> best) .| (value .!= value)
            best.replace(with: value, where: wins)
            index.replace(with: indices, where: wins)
          }
        }
        (output + pixel + channel).store8(best, lanes: lanes)
        guard let argmax else { return }
        if lanes == 8 {
          UnsafeMutableRawPointer(argmax + pixel + channel).storeBytes(of: index, as: SIMD8<Int32>.self)
        } else {
          for lane in 0..<lanes { argmax[pixel + channel + lane] = index[lane] }
        }
      }
    }
  }
}

/// MaxPool2d backward: each output gradient goes to its argmax. gradInput [N, H, W, C] overwritten.
public func maxPoolBackward(
  gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
  argmax: UnsafePointer<Int32>, geometry g: PoolGeometry
) {
  let inputPerImage = g.height * g.width * g.channels
  let outputPerImage = g.outHeight * g.outWidth * g.channels
  // Per image: windows overlap within an image only.
  parallelFor(g.batch) { n in
    (gradInput + n * inputPerImage).update(repeating: 0, count: inputPerImage)
    for i in (n * outputPerImage)..<((n + 1) * outputPerImage) {
      gradInput[Int(argmax[i])] += gradOutput[i]
    }
  }
}

/// AdaptiveAvgPool2d(1): input [N, H, W, C] → output [N, C], the mean over H·W.
public func globalAvgPoolForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  batch: Int, spatial: Int, channels: Int
) {
  let scale = 1 / Float(spatial)
  parallelFor(batch) { n in
    let out = output + n * channels
    out.update(repeating: 0, count: channels)
    for s in 0..<spatial {
      let src = input + (n * spatial + s) * channels
      for c in 0..<channels { out[c] += src[c] }
    }
    for c in 0..<channels { out[c] *= scale }
  }
}

/// Backward of the global average: gradInput[n, s, c] = gradOutput[n, c] / (H·W).
public func globalAvgPoolBackward(
  gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
  batch: Int, spatial: Int, channels: Int
) {
  let scale = 1 / Float(spatial)
  parallelFor(batch) { n in
    let dy = gradOutput + n * channels
    for s in 0..<spatial {
      let dst = gradInput + (n * spatial + s) * channels
      for c in 0..<channels { dst[c] = dy[c] * scale }
    }
  }
}

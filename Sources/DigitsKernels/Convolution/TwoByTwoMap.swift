/// 3x3, stride-1, padding-1 convolution on 2x2 maps (ResNet's third stage at 28x28), with 9
/// multiplies per (input, output) channel pair instead of the 16 of the taps that touch the map.
/// Along one axis the two outputs are y0 = x0·w1 + x1·w2 and y1 = x0·w0 + x1·w1, which three
/// products give: m0 = (x0 + x1)·w1, m1 = x1·(w2 - w1), m2 = x0·(w0 - w1); y0 = m0 + m1,
/// y1 = m0 + m2. Nested over both axes that is 9 points, each a GEMM over the images.
///
/// Transforms per axis: v = T·x = (x0 + x1, x1, x0), u = S·w = (w1, w2 - w1, w0 - w1),
/// y = A·m = (m0 + m1, m0 + m2). The weight gradient runs them transposed:
/// dM = Aᵀ·dY·A, dU[e] = dM[e]ᵀ·V[e], dW += Sᵀ·dU·S.
extension ConvGeometry {
  /// Images a worker takes through input transform, GEMMs and output transform at a time: V
  /// and M for 32 images of 256 channels take 590 KB, which stays in the worker's L2.
  var twoByTwoMapBlockImages: Int { 32 }

  /// Floats of scratch: U [9, C, OC] or dU [9, OC, C], then V [9, N, C] and M or dM [9, N, OC]
  /// for the weight gradient, or for a block of images per worker (`Workers.count` where the
  /// conv runs) in the forward pass.
  public var twoByTwoMapWorkspaceCount: Int {
    transformedConvWorkspaceCount(
      points: 9, passItems: batch, block: twoByTwoMapBlockImages, inChannels: inChannels,
      outChannels: outChannels)
  }
}

/// input [N, 2, 2, C], weight [OC, 3, 3, C] → output [N, 2, 2, OC] through `epilogue`.
public func twoByTwoMapConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  epilogue: ConvEpilogue, geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  // U = S w Sᵀ per (filter, channel), stored [9, C, OC].
  transformPerGroupOf8(
    workspace, points: 9, from: weight, taps: 9, rows: g.outChannels, channels: g.inChannels,
    channelMajor: true, rowAxis: { axisWeight($0, 1, $1, 1) }, columnAxis: { axisWeight($0, 3, $1, 3) })
  twoByTwoMapTransformedConv(
    output: output, input: input, epilogue: epilogue, geometry: g, workspace: workspace)
}

/// U'[e][oc, c] = (S g' Sᵀ)[e] for g' = weight[oc, 2 - ky, 2 - kx, c]: the transformed weight of
/// the input gradient's conv (the kernel flipped, its channel axes swapped), [9, OC, C], read
/// along the channels as they lie, taps reversed (the same bits as transforming a flipped copy).
func twoByTwoMapFlippedWeightTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ weight: UnsafePointer<Float>, outChannels: Int,
  inChannels: Int
) {
  transformPerGroupOf8(
    transformed, points: 9, from: weight, taps: 9, rows: outChannels, channels: inChannels,
    reversedTaps: true, rowAxis: { axisWeight($0, 1, $1, 1) }, columnAxis: { axisWeight($0, 3, $1, 3) })
}

/// The 2x2-map conv with its transformed weight U [9, C, OC] already at the start of `workspace`,
/// by blocks of `twoByTwoMapBlockImages` images (see `transformedConvByBlocks`).
func twoByTwoMapTransformedConv(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, epilogue: ConvEpilogue,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let c = g.inChannels
  transformedConvByBlocks(
    points: 9, items: g.batch, block: g.twoByTwoMapBlockImages, inChannels: c, outChannels: g.outChannels,
    workspace: workspace,
    inputTransform: { transformed, images in
      twoByTwoMapInputTransform(
        transformed, input + images.lowerBound * 4 * c, rows: images.count, channels: c, parallel: false)
    },
    outputTransform: { products, images in
      for local in 0..<images.count {
        twoByTwoMapOutputTransform(output, products, epilogue, g, images: images, local: local)
      }
    })
}

/// y = A M Aᵀ for image `images.lowerBound + local` (M's rows counted from images.lowerBound),
/// each channel through the epilogue.
@inline(__always)
private func twoByTwoMapOutputTransform(
  _ output: UnsafeMutablePointer<Float>, _ products: UnsafePointer<Float>, _ epilogue: ConvEpilogue,
  _ g: ConvGeometry, images: Range<Int>, local: Int
) {
  let (oc, n, image) = (g.outChannels, images.count, images.lowerBound + local)
  withUnsafeTemporaryAllocation(of: Float8.self, capacity: 9 + 6 + 4) { scratch in
    let (m, half, y) = (scratch.baseAddress!, scratch.baseAddress! + 9, scratch.baseAddress! + 15)
    forEachGroupOf8(0..<oc) { channel, lanes in
      for point in 0..<9 { m[point] = (products + (point * n + local) * oc + channel).load8(lanes: lanes) }
      for q in 0..<3 { axisOutput(m + q, 3, half + q, 3) }  // [2, 3]
      for i in 0..<2 { axisOutput(half + 3 * i, 1, y + 2 * i, 1) }  // [2, 2]
      for pixel in 0..<4 {
        let index = (image * 4 + pixel) * oc + channel
        (output + index).store8(
          epilogue.apply(y[pixel], index: index, channel: channel, lanes: lanes), lanes: lanes)
      }
    }
  }
}

/// Accumulates the weight gradient: gradWeight [OC, 3, 3, C] += Σ over the batch of the
/// products of gradOutput [N, 2, 2, OC] and input [N, 2, 2, C] at each tap.
public func twoByTwoMapWeightGradient(
  gradWeight: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let (n, c, oc) = (g.batch, g.inChannels, g.outChannels)
  let (gradTransformedWeight, transformedInput, gradProducts) = twoByTwoMapBuffers(workspace, g)
  twoByTwoMapInputTransform(transformedInput, input, rows: n, channels: c)
  // dM = Aᵀ dY A per (image, channel).
  transformPerGroupOf8(
    gradProducts, points: 9, from: gradOutput, taps: 4, rows: n, channels: oc,
    rowAxis: { axisGradOutput($0, 1, $1, 1) }, columnAxis: { axisGradOutput($0, 3, $1, 3) })
  // dU[e][OC, C] = dM[e][N, OC]ᵀ · V[e][N, C] for each of the 9 points e.
  batchedSmallGemm(
    count: 9, m: oc, n: c, k: n, a: gradProducts, transposeA: true, b: transformedInput,
    c: gradTransformedWeight)
  // dW += Sᵀ dU S per (filter, channel).
  accumulateBackTransformedWeightGradient(
    gradWeight, from: gradTransformedWeight, side: 3, outChannels: oc, inChannels: c, axis: axisGradWeight)
}

/// V[3p + q][n, c] = (T x Tᵀ)[p][q] for x = input[n, :, :, c], n in 0..<rows.
private func twoByTwoMapInputTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, rows: Int, channels: Int,
  parallel: Bool = true
) {
  transformPerGroupOf8(
    transformed, points: 9, from: input, taps: 4, rows: rows, channels: channels, parallel: parallel,
    rowAxis: { axisInput($0, 1, $1, 1) }, columnAxis: { axisInput($0, 3, $1, 3) })
}

/// U [9, C, OC] (dU [9, OC, C]), V [9, N, C] and M [9, N, OC] inside the workspace.
private func twoByTwoMapBuffers(
  _ workspace: UnsafeMutablePointer<Float>, _ g: ConvGeometry
) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
  let weights = workspace
  let inputs = weights + 9 * g.outChannels * g.inChannels
  return (weights, inputs, inputs + 9 * g.batch * g.inChannels)
}

/// For each row r of `source` ([rows, taps, channels], the taps a 2x2 or 3x3 grid) and each
/// group of 8 channels: the 3x3 points of both axes' transform, stored as
/// transformed[point][r, channel], or with `channelMajor` as transformed[point][channel, r].
/// `rowAxis` maps one grid row to 3 values (into a [grid rows, 3] scratch), `columnAxis` one
/// column of that (stride 3) to 3 (stride 3). With `reversedTaps` the grid is read flipped in
/// both axes (tap t from source tap taps - 1 - t).
private func transformPerGroupOf8(
  _ transformed: UnsafeMutablePointer<Float>, points: Int, from source: UnsafePointer<Float>, taps: Int,
  rows: Int, channels: Int, channelMajor: Bool = false, reversedTaps: Bool = false, parallel: Bool = true,
  rowAxis: (UnsafePointer<Float8>, UnsafeMutablePointer<Float8>) -> Void,
  columnAxis: (UnsafePointer<Float8>, UnsafeMutablePointer<Float8>) -> Void
) {
  let side = taps == 9 ? 3 : 2
  // Channel-major: eight rows by eight channels at a time, turned on their side as they load,
  // so the stores are runs of 8 and each row's run of channels is read once.
  let (outer, inner) = channelMajor ? (channels, rows) : (rows, channels)
  func transform(_ block: Int) {
    let (first, majors) = (8 * block, min(8, outer - 8 * block))
    withUnsafeTemporaryAllocation(of: Float8.self, capacity: 72 + 9 + 9) { scratch in
      let (grids, half, out) = (scratch.baseAddress!, scratch.baseAddress! + 72, scratch.baseAddress! + 81)
      forEachGroupOf8(0..<inner) { minor, lanes in
        // grids[taps · m + tap]: the tap's 8 values (rows or channels) of major first + m.
        for tap in 0..<taps {
          let sourceTap = reversedTaps ? taps - 1 - tap : tap
          if channelMajor {
            (source + (minor * taps + sourceTap) * channels + first).loadColumns8(
              rows: lanes, stride: taps * channels, columns: majors, into: grids + tap, columnStride: taps)
          } else {
            for m in 0..<majors {
              grids[taps * m + tap] = (source + ((first + m) * taps + sourceTap) * channels + minor).load8(
                lanes: lanes)
            }
          }
        }
        for m in 0..<majors {
          let grid = grids + taps * m
          for gridRow in 0..<side { rowAxis(grid + side * gridRow, half + 3 * gridRow) }
          for q in 0..<3 { columnAxis(half + q, out + q) }
          for point in 0..<points {
            (transformed + (point * outer + first + m) * inner + minor).store8(out[point], lanes: lanes)
          }
        }
      }
    }
  }
  let blocks = (outer + 7) / 8
  if parallel {
    parallelFor(blocks, transform)
  } else {
    for block in 0..<blocks { transform(block) }
  }
}

// One axis of each transform: `from`/`to` are the strides of its input and output values.

/// v = T·x = (x0 + x1, x1, x0).
@inline(__always)
private func axisInput(_ x: UnsafePointer<Float8>, _ from: Int, _ v: UnsafeMutablePointer<Float8>, _ to: Int)
{
  let (x0, x1) = (x[0], x[from])
  (v[0], v[to], v[2 * to]) = (x0 + x1, x1, x0)
}

/// u = S·w = (w1, w2 - w1, w0 - w1).
@inline(__always)
private func axisWeight(_ w: UnsafePointer<Float8>, _ from: Int, _ u: UnsafeMutablePointer<Float8>, _ to: Int)
{
  let (w0, w1, w2) = (w[0], w[from], w[2 * from])
  (u[0], u[to], u[2 * to]) = (w1, w2 - w1, w0 - w1)
}

/// y = A·m = (m0 + m1, m0 + m2).
@inline(__always)
private func axisOutput(_ m: UnsafePointer<Float8>, _ from: Int, _ y: UnsafeMutablePointer<Float8>, _ to: Int)
{
  let (m0, m1, m2) = (m[0], m[from], m[2 * from])
  (y[0], y[to]) = (m0 + m1, m0 + m2)
}

/// dm = Aᵀ·dy = (dy0 + dy1, dy0, dy1).
@inline(__always)
private func axisGradOutput(
  _ dy: UnsafePointer<Float8>, _ from: Int, _ dm: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (dy0, dy1) = (dy[0], dy[from])
  (dm[0], dm[to], dm[2 * to]) = (dy0 + dy1, dy0, dy1)
}

/// dw = Sᵀ·du = (du2, du0 - du1 - du2, du1).
@inline(__always)
private func axisGradWeight(
  _ du: UnsafePointer<Float8>, _ from: Int, _ dw: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (du0, du1, du2) = (du[0], du[from], du[2 * from])
  (dw[0], dw[to], dw[2 * to]) = (du2, du0 - du1 - du2, du1)
}

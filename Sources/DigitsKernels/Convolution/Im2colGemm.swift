/// Convolution as one OpenBLAS GEMM over the im2col matrix [N·OH·OW, KH·KW·C]: the input
/// unfolded so that each row holds one output pixel's taps in weight order (ky, kx, c), zeros
/// where a tap falls in the padding. A pointwise conv reads its input as that matrix.
extension ConvGeometry {
  /// Floats of the im2col matrix; none for a pointwise conv, which reads its input as one.
  var columnMatrixCount: Int { isPointwise ? 0 : columnRows * columnWidth }
}

/// Conv2d forward as one GEMM over the im2col matrix (`g.columnRows * g.columnWidth` floats of
/// workspace unless pointwise). With `accumulate` the products add to what `output` holds.
public func im2colConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>, accumulate: Bool = false
) {
  let columns = columnMatrix(input, g, workspace)
  // output[M, OC] (+)= columns[M, K] · weight[OC, K]ᵀ
  gemm(
    transposeA: false, transposeB: true, m: g.columnRows, n: g.outChannels, k: g.columnWidth,
    a: columns, lda: g.columnWidth, b: weight, ldb: g.columnWidth,
    beta: accumulate ? 1 : 0, c: output, ldc: g.outChannels)
  if let bias {
    addRowVector(output, rows: g.columnRows, columns: g.outChannels, vector: bias)
  }
}

/// gradWeight [OC, KH, KW, C] += gradOutput[M, OC]ᵀ · columns[M, K], the im2col matrix of
/// `input` unfolded into `workspace` (unless pointwise).
func im2colWeightGradient(
  gradWeight: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let (k, oc) = (g.columnWidth, g.outChannels)
  let columns = columnMatrix(input, g, workspace)
  gemm(
    transposeA: true, transposeB: false, m: oc, n: k, k: g.columnRows,
    a: gradOutput, lda: oc, b: columns, ldb: k, beta: 1, c: gradWeight, ldc: k)
}

/// gradInput [N, H, W, C] (+)= the gradient columns gradOutput[M, OC] · weight[OC, K] folded
/// back by col2im, through `workspace`; a pointwise conv's columns are gradInput itself.
func im2colInputGradient(
  gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>, accumulate: Bool
) {
  let (k, oc) = (g.columnWidth, g.outChannels)
  let gradColumns = g.isPointwise ? gradInput : workspace
  gemm(
    transposeA: false, transposeB: false, m: g.columnRows, n: k, k: oc,
    a: gradOutput, lda: oc, b: weight, ldb: k, beta: g.isPointwise && accumulate ? 1 : 0,
    c: gradColumns, ldc: k)
  if !g.isPointwise {
    col2im(gradInput, workspace, g, accumulate: accumulate)
  }
}

/// The im2col matrix [M, K] of `input`: the input itself for a pointwise conv, else unfolded
/// into `workspace`.
private func columnMatrix(
  _ input: UnsafePointer<Float>, _ g: ConvGeometry, _ workspace: UnsafeMutablePointer<Float>
) -> UnsafePointer<Float> {
  if g.isPointwise { return input }
  im2col(workspace, input, g)
  return UnsafePointer(workspace)
}

/// Unfolds NHWC input into the im2col matrix.
/// input: [N, H, W, C] → columns: [N·OH·OW, KH·KW·C], zeros where a tap falls in the padding.
public func im2col(
  _ columns: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ g: ConvGeometry
) {
  let (oh, ow, c) = (g.outHeight, g.outWidth, g.inChannels)
  let width = g.columnWidth
  parallelFor(g.batch * oh) { rowBlock in
    let n = rowBlock / oh
    let y = rowBlock % oh
    let image = input + n * g.inHeight * g.inWidth * c
    for x in 0..<ow {
      var dst = columns + ((n * oh + y) * ow + x) * width
      for ky in 0..<g.kernelHeight {
        let iy = y * g.strideHeight - g.padHeight + ky
        let rowInside = iy >= 0 && iy < g.inHeight
        for kx in 0..<g.kernelWidth {
          let ix = x * g.strideWidth - g.padWidth + kx
          let inside = rowInside && ix >= 0 && ix < g.inWidth
          if c == 1 {
            // The stem's single channel: one float, not a memcpy call per tap.
            dst.pointee = inside ? image[iy * g.inWidth + ix] : 0
          } else if inside {
            dst.update(from: image + (iy * g.inWidth + ix) * c, count: c)
          } else {
            dst.update(repeating: 0, count: c)
          }
          dst += c
        }
      }
    }
  }
}

/// Folds im2col gradients back onto the input, summing overlapping taps.
/// columns: [N·OH·OW, KH·KW·C] → gradInput: [N, H, W, C] (overwritten, or added to with
/// `accumulate`).
public func col2im(
  _ gradInput: UnsafeMutablePointer<Float>, _ columns: UnsafePointer<Float>, _ g: ConvGeometry,
  accumulate: Bool = false
) {
  let (oh, ow, c) = (g.outHeight, g.outWidth, g.inChannels)
  let width = g.columnWidth
  let imageCount = g.inHeight * g.inWidth * c
  // One worker per image: taps of different images never overlap.
  parallelFor(g.batch) { n in
    let image = gradInput + n * imageCount
    if !accumulate { image.update(repeating: 0, count: imageCount) }
    for y in 0..<oh {
      for x in 0..<ow {
        var src = columns + ((n * oh + y) * ow + x) * width
        for ky in 0..<g.kernelHeight {
          let iy = y * g.strideHeight - g.padHeight + ky
          let rowInside = iy >= 0 && iy < g.inHeight
          for kx in 0..<g.kernelWidth {
            let ix = x * g.strideWidth - g.padWidth + kx
            if rowInside && ix >= 0 && ix < g.inWidth {
              let dst = image + (iy * g.inWidth + ix) * c
              for channel in 0..<c { dst[channel] += src[channel] }
            }
            src += c
          }
        }
      }
    }
  }
}

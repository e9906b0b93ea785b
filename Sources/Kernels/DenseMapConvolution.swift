/// Convolution on maps smaller than the kernel window (ResNet's 2x2 and 1x1 stages at 28x28).
/// There most im2col taps fall in the padding and multiply zeros. Written instead as one dense
/// matrix from the whole input image to the whole output image, the conv does only the work
/// of taps that touch the input: a 3x3 conv on a 1x1 map becomes a 1x1 conv (1/9 of the work),
/// on a 2x2 map 16 of 36 blocks.
///
/// Dense layout: [OH·OW·OC, H·W·C]; block (o, i) (output pixel o, input pixel i) holds
/// weight[:, ky, kx, :] for the tap joining them, or zeros when none does.
extension ConvGeometry {
  /// True when the dense matrix has fewer blocks than im2col has taps (H·W < KH·KW ⇔ fewer
  /// multiply-adds), so it is the cheaper formulation, unless the 2x2-map algorithm applies.
  public var prefersDenseMatrix: Bool {
    !isPointwise && inHeight * inWidth < kernelHeight * kernelWidth && !prefersTwoByTwoMap
  }

  public var denseRows: Int { outHeight * outWidth * outChannels }
  public var denseColumns: Int { inHeight * inWidth * inChannels }

  /// The tap (ky, kx) joining output pixel (oy, ox) to input pixel (iy, ix), if any.
  @inlinable
  func tap(oy: Int, ox: Int, iy: Int, ix: Int) -> (Int, Int)? {
    let ky = iy - (oy * strideHeight - padHeight)
    let kx = ix - (ox * strideWidth - padWidth)
    guard ky >= 0, ky < kernelHeight, kx >= 0, kx < kernelWidth else { return nil }
    return (ky, kx)
  }
}

/// Builds the dense matrix from weight [OC, KH, KW, C] → dense [OH·OW·OC, H·W·C].
public func denseConvMatrix(
  _ dense: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, _ g: ConvGeometry
) {
  let (oc, c, ow) = (g.outChannels, g.inChannels, g.outWidth)
  let columns = g.denseColumns
  parallelFor(g.outHeight * ow) { o in
    let (oy, ox) = (o / ow, o % ow)
    for i in 0..<(g.inHeight * g.inWidth) {
      let tap = g.tap(oy: oy, ox: ox, iy: i / g.inWidth, ix: i % g.inWidth)
      for filter in 0..<oc {
        let dst = dense + (o * oc + filter) * columns + i * c
        if let (ky, kx) = tap {
          dst.update(from: weight + ((filter * g.kernelHeight + ky) * g.kernelWidth + kx) * c, count: c)
        } else {
          dst.update(repeating: 0, count: c)
        }
      }
    }
  }
}

/// Forward: output [N, OH·OW·OC] (+)= input [N, H·W·C] · denseᵀ (+ bias per channel); with
/// `accumulate` the products add to what `output` holds.
public func denseConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, dense: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, geometry g: ConvGeometry, accumulate: Bool = false
) {
  gemm(
    transposeA: false, transposeB: true, m: g.batch, n: g.denseRows, k: g.denseColumns,
    a: input, lda: g.denseColumns, b: dense, ldb: g.denseColumns, beta: accumulate ? 1 : 0, c: output,
    ldc: g.denseRows)
  if let bias {
    addRowVector(output, rows: g.columnRows, columns: g.outChannels, vector: bias)
  }
}

/// Backward. `gradDense` ([OH·OW·OC, H·W·C] floats of scratch) receives dY ᵀ· X, which is
/// then folded tap by tap into gradWeight [OC, KH, KW, C] (accumulated). gradInput
/// [N, H·W·C] = dY · dense (overwritten, when non-nil); gradBias accumulates Σ dY.
public func denseConvBackward(
  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
  gradBias: UnsafeMutablePointer<Float>?, gradDense: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, dense: UnsafePointer<Float>,
  geometry g: ConvGeometry
) {
  let (rows, columns) = (g.denseRows, g.denseColumns)
  gemm(
    transposeA: true, transposeB: false, m: rows, n: columns, k: g.batch,
    a: gradOutput, lda: rows, b: input, ldb: columns, beta: 0, c: gradDense, ldc: columns)
  let (oc, c, ow) = (g.outChannels, g.inChannels, g.outWidth)
  // One worker per filter: each writes only its own weight rows.
  parallelFor(oc) { filter in
    for o in 0..<(g.outHeight * ow) {
      for i in 0..<(g.inHeight * g.inWidth) {
        guard let (ky, kx) = g.tap(oy: o / ow, ox: o % ow, iy: i / g.inWidth, ix: i % g.inWidth) else {
          continue
        }
        let src = gradDense + (o * oc + filter) * columns + i * c
        let dst = gradWeight + ((filter * g.kernelHeight + ky) * g.kernelWidth + kx) * c
        for channel in 0..<c { dst[channel] += src[channel] }
      }
    }
  }
  if let gradBias {
    sumRows(into: gradBias, gradOutput, rows: g.columnRows, columns: oc, accumulate: true)
  }
  if let gradInput {
    gemm(
      transposeA: false, transposeB: false, m: g.batch, n: columns, k: rows,
      a: gradOutput, lda: rows, b: dense, ldb: columns, beta: 0, c: gradInput, ldc: columns)
  }
}

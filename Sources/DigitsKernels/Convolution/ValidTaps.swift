/// Convolution on small output maps (ResNet's strided 3x3 convs at 28x28, from 7x7 to 4x4, 4x4
/// to 2x2 and 2x2 to 1x1, and 3x3 convs on 1x1 maps) as GEMMs over the batch, one per output
/// pixel and kernel row, each covering only the taps of that row that touch the input. im2col
/// multiplies the padding too: 31% of the taps from 7x7 to 4x4 and from 4x4 to 2x2, 8 of 9 on
/// a 1x1 map. In NHWC the taps of one kernel row read adjacent input pixels, and their weights
/// [OC, kx0..<kx1, C] sit side by side in a weight row, so every GEMM reads its operands where
/// they lie (leading dimensions of an image and of a weight row): nothing is copied.
extension ConvGeometry {
  /// Taps summed over output pixels that land inside the input.
  var validTapCount: Int {
    let rows = (0..<outHeight).reduce(0) { $0 + validKernelRange($1, axis: .height).count }
    let columns = (0..<outWidth).reduce(0) { $0 + validKernelRange($1, axis: .width).count }
    return rows * columns
  }

  enum Axis { case height, width }

  /// The kernel offsets along `axis` whose input position for output position `position` lies
  /// inside the input: input = position · stride − pad + offset.
  func validKernelRange(_ position: Int, axis: Axis) -> Range<Int> {
    let (kernel, stride, pad, size) =
      axis == .height
      ? (kernelHeight, strideHeight, padHeight, inHeight) : (kernelWidth, strideWidth, padWidth, inWidth)
    let origin = position * stride - pad
    let lower = max(0, -origin)
    let upper = min(kernel, size - origin)
    return lower < upper ? lower..<upper : 0..<0
  }

  /// Calls `body` once per GEMM: output pixel index (oy · OW + ox), the kernel row ky, the first
  /// valid kx, how many follow, and the input pixel index of that first tap.
  func forEachValidTapRow(
    _ body: (_ outputPixel: Int, _ ky: Int, _ kx: Int, _ taps: Int, _ inputPixel: Int) -> Void
  ) {
    for oy in 0..<outHeight {
      let rows = validKernelRange(oy, axis: .height)
      for ox in 0..<outWidth {
        let columns = validKernelRange(ox, axis: .width)
        guard !columns.isEmpty else { continue }
        for ky in rows {
          let (iy, ix) = (
            oy * strideHeight - padHeight + ky, ox * strideWidth - padWidth + columns.lowerBound
          )
          body(oy * outWidth + ox, ky, columns.lowerBound, columns.count, iy * inWidth + ix)
        }
      }
    }
  }
}

/// Forward: output[n, o, :] (+)= Σ over valid taps input[n, i, :] · weight[:, ky, kx, :]ᵀ (+ bias).
/// input [N, H, W, C], weight [OC, KH, KW, C] → output [N, OH, OW, OC]; with `accumulate` the
/// products add to what `output` holds.
public func validTapConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, geometry g: ConvGeometry, accumulate: Bool = false
) {
  if !accumulate { output.update(repeating: 0, count: g.outputCount) }
  let (c, oc) = (g.inChannels, g.outChannels)
  let (imageStride, outputStride, weightRow) = (
    g.inHeight * g.inWidth * c, g.outHeight * g.outWidth * oc, g.columnWidth
  )
  g.forEachValidTapRow { outputPixel, ky, kx, taps, inputPixel in
    // output[N, OC] at this pixel += input[N, taps·C] · weight[OC, taps·C]ᵀ
    gemm(
      transposeA: false, transposeB: true, m: g.batch, n: oc, k: taps * c,
      a: input + inputPixel * c, lda: imageStride, b: weight + (ky * g.kernelWidth + kx) * c, ldb: weightRow,
      beta: 1, c: output + outputPixel * oc, ldc: outputStride)
  }
  if let bias {
    addRowVector(output, rows: g.columnRows, columns: oc, vector: bias)
  }
}

/// Backward: gradWeight accumulates; gradInput ([N, H, W, C]) is overwritten when
/// non-nil, or added to with `accumulateInputGradient`. gradOutput: [N, OH, OW, OC].
public func validTapConvBackward(
  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  geometry g: ConvGeometry, accumulateInputGradient: Bool = false
) {
  let (c, oc) = (g.inChannels, g.outChannels)
  let (imageStride, outputStride, weightRow) = (
    g.inHeight * g.inWidth * c, g.outHeight * g.outWidth * oc, g.columnWidth
  )
  if !accumulateInputGradient { gradInput?.update(repeating: 0, count: g.inputCount) }
  g.forEachValidTapRow { outputPixel, ky, kx, taps, inputPixel in
    let (dY, w) = (gradOutput + outputPixel * oc, (ky * g.kernelWidth + kx) * c)
    // gradWeight[OC, taps·C] += dY[N, OC]ᵀ · input[N, taps·C]
    gemm(
      transposeA: true, transposeB: false, m: oc, n: taps * c, k: g.batch,
      a: dY, lda: outputStride, b: input + inputPixel * c, ldb: imageStride,
      beta: 1, c: gradWeight + w, ldc: weightRow)
    guard let gradInput else { return }
    // gradInput[N, taps·C] += dY[N, OC] · weight[OC, taps·C]
    gemm(
      transposeA: false, transposeB: false, m: g.batch, n: taps * c, k: oc,
      a: dY, lda: outputStride, b: weight + w, ldb: weightRow,
      beta: 1, c: gradInput + inputPixel * c, ldc: imageStride)
  }
}

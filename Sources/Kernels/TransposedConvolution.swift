/// The input gradient of a stride-1 conv is itself a stride-1 conv: of the output gradient,
/// with the kernel flipped in space and its channel axes swapped, padded by K - 1 - pad.
/// Computed that way it is one im2col + GEMM with K = KH·KW·OC, instead of a GEMM with
/// K = OC into an [M, KH·KW·C] buffer followed by a scatter-add (col2im).
extension ConvGeometry {
  /// The geometry of that conv, or nil when it does not apply (strided or pointwise convs).
  public var inputGradientGeometry: ConvGeometry? {
    guard strideHeight == 1, strideWidth == 1, !isPointwise, padHeight < kernelHeight, padWidth < kernelWidth
    else { return nil }
    return ConvGeometry(
      batch: batch, inHeight: outHeight, inWidth: outWidth, inChannels: outChannels, outChannels: inChannels,
      kernel: (kernelHeight, kernelWidth), stride: (1, 1),
      padding: (kernelHeight - 1 - padHeight, kernelWidth - 1 - padWidth))
  }
}

/// flipped[c, a, b, oc] = weight[oc, KH-1-a, KW-1-b, c]: weight [OC, KH, KW, C] → [C, KH, KW, OC].
public func flipKernelForInputGradient(
  _ flipped: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, _ g: ConvGeometry
) {
  let (oc, c, kh, kw) = (g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth)
  parallelFor(c) { channel in
    for a in 0..<kh {
      for b in 0..<kw {
        let dst = flipped + ((channel * kh + a) * kw + b) * oc
        let src = weight + ((kh - 1 - a) * kw + (kw - 1 - b)) * c + channel
        for filter in 0..<oc { dst[filter] = src[filter * kh * kw * c] }
      }
    }
  }
}

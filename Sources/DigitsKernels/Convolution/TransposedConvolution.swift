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
/// Eight channels at a time: each filter's read is one contiguous run of eight, and the eight
/// destination rows it writes into stay in L1 (one channel at a time read a float per cache line).
public func flipKernelForInputGradient(
  _ flipped: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, _ g: ConvGeometry
) {
  let (oc, c, kh, kw) = (g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth)
  let taps = kh * kw
  parallelFor((c + 7) / 8) { group in
    let first = 8 * group
    let lanes = min(8, c - first)
    for a in 0..<kh {
      for b in 0..<kw {
        // Channel first + lane's row starts lane · taps · OC floats after this one.
        let destination = flipped + ((first * kh + a) * kw + b) * oc
        let source = weight + ((kh - 1 - a) * kw + (kw - 1 - b)) * c + first
        for filter in 0..<oc {
          let run = source + filter * taps * c
          for lane in 0..<lanes { destination[lane * taps * oc + filter] = run[lane] }
        }
      }
    }
  }
}

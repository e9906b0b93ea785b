/// Direct convolution of a one-channel input (the ResNet stem: 7x7, stride 2, 1 → 64 channels
/// on 28x28 MNIST). As im2col + GEMM it is a GEMM with K = 49: the output block is read and
/// written once per 49 multiply-adds and the unfolded input is a pass of its own, so OpenBLAS
/// reaches a third of its rate. Here each output pixel keeps 32 channels in four Float8
/// accumulators across all of its taps (one broadcast input value and four weight vectors per
/// tap), and only taps inside the input are visited.
extension ConvGeometry {
  /// Floats of scratch: the weights tap-major, [KH·KW, OC].
  public var singleChannelWorkspaceCount: Int { kernelHeight * kernelWidth * outChannels }
}

/// Output channels per accumulator block: four Float8 registers.
let singleChannelBlock = 32

/// input [N, H, W, 1], weight [OC, KH, KW, 1] → output [N, OH, OW, OC] through `epilogue`.
/// `workspace` holds `g.singleChannelWorkspaceCount` floats.
public func singleChannelConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  epilogue: ConvEpilogue, geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  precondition(
    g.inChannels == 1 && g.outChannels % singleChannelBlock == 0, "single-channel direct conv on \(g)")
  let (oc, taps, (oh, ow)) = (g.outChannels, g.kernelHeight * g.kernelWidth, (g.outHeight, g.outWidth))
  // tapMajor[tap, OC] = weight[OC, tap]: one tap's weights for 32 channels are 4 adjacent vectors.
  let tapMajor = workspace
  for channel in 0..<oc {
    for tap in 0..<taps { tapMajor[tap * oc + channel] = weight[channel * taps + tap] }
  }
  parallelFor(g.batch * oh, grain: 8) { row in
    let (n, oy) = (row / oh, row % oh)
    let image = input + n * g.inHeight * g.inWidth
    let rows = g.validKernelRange(oy, axis: .height)
    for ox in 0..<ow {
      let columns = g.validKernelRange(ox, axis: .width)
      let origin = (oy * g.strideHeight - g.padHeight) * g.inWidth + ox * g.strideWidth - g.padWidth
      let pixel = (row * ow + ox) * oc
      for block in stride(from: 0, to: oc, by: singleChannelBlock) {
        var (a0, a1, a2, a3) = (Float8(), Float8(), Float8(), Float8())
        for ky in rows {
          for kx in columns {
            let x = Float8(repeating: image[origin + ky * g.inWidth + kx])
            let w = tapMajor + (ky * g.kernelWidth + kx) * oc + block
            a0.addProduct(x, w.load8())
            a1.addProduct(x, (w + 8).load8())
            a2.addProduct(x, (w + 16).load8())
            a3.addProduct(x, (w + 24).load8())
          }
        }
        func store(_ sum: Float8, _ channel: Int) {
          (output + pixel + channel).store8(
            epilogue.apply(sum, index: pixel + channel, channel: channel, lanes: 8))
        }
        store(a0, block)
        store(a1, block + 8)
        store(a2, block + 16)
        store(a3, block + 24)
      }
    }
  }
}

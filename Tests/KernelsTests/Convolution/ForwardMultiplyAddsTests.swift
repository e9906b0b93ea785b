import DigitsKernels
import Testing

/// `ConvGeometry.forwardMultiplyAdds`, which `digits bench` turns into the float32 inference
/// ceiling: for each algorithm, the products it computes, counted here independently of it.
@Suite struct ForwardMultiplyAddsTests {
  func geometry(
    batch: Int, side: Int, channels: Int, filters: Int, kernel: Int, stride: Int, pad: Int
  ) -> ConvGeometry {
    ConvGeometry(
      batch: batch, inHeight: side, inWidth: side, inChannels: channels, outChannels: filters,
      kernel: (kernel, kernel), stride: (stride, stride), padding: (pad, pad))
  }

  /// Taps inside the input summed over one image's output pixels, by visiting each.
  func tapsInside(_ g: ConvGeometry) -> Int {
    var taps = 0
    for oy in 0..<g.outHeight {
      for ox in 0..<g.outWidth {
        for ky in 0..<g.kernelHeight {
          for kx in 0..<g.kernelWidth {
            let (y, x) = (oy * g.strideHeight - g.padHeight + ky, ox * g.strideWidth - g.padWidth + kx)
            if y >= 0 && y < g.inHeight && x >= 0 && x < g.inWidth { taps += 1 }
          }
        }
      }
    }
    return taps
  }

  @Test func gemmsCountEveryTapOfEveryOutputAsPyTorchDoes() {
    let pointwise = geometry(batch: 2, side: 7, channels: 64, filters: 256, kernel: 1, stride: 1, pad: 0)
    #expect(pointwise.algorithm == .smallPointwise)
    #expect(pointwise.forwardMultiplyAdds == 2 * 49 * 64 * 256)
    let large = geometry(batch: 2, side: 2, channels: 1024, filters: 256, kernel: 1, stride: 1, pad: 0)
    #expect(large.algorithm == .pointwiseGemm)
    #expect(large.forwardMultiplyAdds == 2 * 4 * 1024 * 256)
    let strided = geometry(batch: 2, side: 7, channels: 256, filters: 512, kernel: 1, stride: 2, pad: 0)
    #expect(strided.algorithm == .im2colGemm)
    #expect(strided.forwardMultiplyAdds == 2 * 16 * 256 * 512)
  }

  /// F(4x4, 3x3): 36 products per 4x4 tile, partial tiles counted whole: a 7x7 map takes 2x2
  /// tiles, 144 products per channel pair where PyTorch counts 49 · 9 = 441.
  @Test func winogradComputes36PerTile() {
    let g = geometry(batch: 3, side: 7, channels: 64, filters: 64, kernel: 3, stride: 1, pad: 1)
    #expect(g.algorithm == .winograd)
    #expect(g.forwardMultiplyAdds == 3 * 4 * 36 * 64 * 64)
    #expect(g.forwardMultiplyAdds * 441 == g.outputCount * g.columnWidth * 144)
  }

  @Test func twoByTwoMapComputesNinePerImage() {
    let g = geometry(batch: 2, side: 2, channels: 256, filters: 256, kernel: 3, stride: 1, pad: 1)
    #expect(g.algorithm == .twoByTwoMap)
    #expect(g.forwardMultiplyAdds == 2 * 9 * 256 * 256)
  }

  /// The strided 3x3 from 7x7 to 4x4: per axis 2 + 3 + 3 + 2 taps inside, 100 of 144; and the
  /// stem's loop, which visits only taps inside the image too.
  @Test func validTapsAndTheStemCountOnlyTapsInsideTheInput() {
    let strided = geometry(batch: 2, side: 7, channels: 128, filters: 128, kernel: 3, stride: 2, pad: 1)
    #expect(strided.algorithm == .validTaps)
    #expect(tapsInside(strided) == 100)
    #expect(strided.forwardMultiplyAdds == 2 * 100 * 128 * 128)
    let onePixel = geometry(batch: 4, side: 1, channels: 512, filters: 512, kernel: 3, stride: 1, pad: 1)
    #expect(onePixel.algorithm == .validTaps)
    #expect(onePixel.forwardMultiplyAdds == 4 * 512 * 512)
    let stem = geometry(batch: 3, side: 28, channels: 1, filters: 64, kernel: 7, stride: 2, pad: 3)
    #expect(stem.algorithm == .singleChannelDirect)
    #expect(stem.forwardMultiplyAdds == 3 * tapsInside(stem) * 64)
    #expect(stem.forwardMultiplyAdds < stem.outputCount * stem.columnWidth)
  }
}

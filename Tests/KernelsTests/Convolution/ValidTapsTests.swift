import DigitsKernels
import TestSupport
import Testing

/// The valid-tap GEMMs for small output maps must give what im2col gives forward (backward:
/// finite differences in ConvolutionGradientTests), and take exactly the convs they are for.
@Suite struct ValidTapsTests {
  static let geometries = [
    // ResNet's strided 3x3 convs at 28x28 (7x7 → 4x4, 4x4 → 2x2, 2x2 → 1x1) and 3x3 convs on
    // 1x1 maps, then odd kernels, strides and paddings.
    ConvGeometry(
      batch: 2, inHeight: 7, inWidth: 7, inChannels: 3, outChannels: 4, kernel: (3, 3), stride: (2, 2),
      padding: (1, 1)),
    ConvGeometry(
      batch: 3, inHeight: 4, inWidth: 4, inChannels: 5, outChannels: 2, kernel: (3, 3), stride: (2, 2),
      padding: (1, 1)),
    ConvGeometry(
      batch: 3, inHeight: 2, inWidth: 2, inChannels: 5, outChannels: 4, kernel: (3, 3), stride: (2, 2),
      padding: (1, 1)),
    ConvGeometry(
      batch: 3, inHeight: 1, inWidth: 1, inChannels: 5, outChannels: 4, kernel: (3, 3), stride: (1, 1),
      padding: (1, 1)),
    ConvGeometry(
      batch: 3, inHeight: 2, inWidth: 1, inChannels: 5, outChannels: 4, kernel: (3, 3), stride: (1, 1),
      padding: (1, 1)),
    ConvGeometry(
      batch: 2, inHeight: 2, inWidth: 3, inChannels: 2, outChannels: 3, kernel: (3, 5), stride: (1, 2),
      padding: (1, 2)),
    ConvGeometry(
      batch: 2, inHeight: 5, inWidth: 4, inChannels: 2, outChannels: 3, kernel: (4, 2), stride: (3, 1),
      padding: (2, 1)),
  ]

  @Test(arguments: geometries)
  func forwardMatchesIm2col(_ g: ConvGeometry) {
    #expect(g.algorithm == .validTaps && g.convolutionWorkspaceCount == 0)
    var random = TestRandom(seed: 21)
    let (x, w, b) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outChannels))
    var reference = [Float](repeating: 0, count: g.outputCount)
    var columns = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    im2colConvForward(output: &reference, input: x, weight: w, bias: b, geometry: g, workspace: &columns)
    var output = [Float](repeating: .nan, count: g.outputCount)
    var none = [Float]()
    conv2dForward(output: &output, input: x, weight: w, bias: b, geometry: g, workspace: &none)
    #expect(maxAbsDifference(output, reference) < 1e-5)

    // Accumulating adds the same products onto what the output held.
    let held = random.floats(g.outputCount)
    var accumulated = held
    validTapConvForward(output: &accumulated, input: x, weight: w, bias: nil, geometry: g, accumulate: true)
    var withoutBias = [Float](repeating: .nan, count: g.outputCount)
    validTapConvForward(output: &withoutBias, input: x, weight: w, bias: nil, geometry: g)
    #expect(maxAbsDifference(accumulated, zip(held, withoutBias).map { $0 + $1 }) < 1e-5)
  }

  @Test func takesOnlyPaddedSmallMaps() {
    func geometry(map: Int, kernel: Int, stride: Int, padding: Int) -> ConvGeometry {
      ConvGeometry(
        batch: 1, inHeight: map, inWidth: map, inChannels: 1, outChannels: 1, kernel: (kernel, kernel),
        stride: (stride, stride), padding: (padding, padding))
    }
    // Winograd, the 2x2-map algorithm, pointwise and unpadded convs, and the stem (196 output
    // pixels × 7 kernel rows: too many GEMMs) keep their paths.
    #expect(geometry(map: 4, kernel: 3, stride: 1, padding: 1).algorithm == .winograd)
    #expect(geometry(map: 2, kernel: 3, stride: 1, padding: 1).algorithm == .twoByTwoMap)
    #expect(geometry(map: 7, kernel: 1, stride: 2, padding: 0).algorithm == .im2colGemm)
    #expect(geometry(map: 4, kernel: 1, stride: 1, padding: 0).algorithm == .smallPointwise)
    #expect(geometry(map: 28, kernel: 7, stride: 2, padding: 3).algorithm == .im2colGemm)
    #expect(geometry(map: 7, kernel: 3, stride: 2, padding: 1).algorithm == .validTaps)
    #expect(geometry(map: 1, kernel: 3, stride: 1, padding: 1).algorithm == .validTaps)
  }
}

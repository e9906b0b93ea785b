import DigitsKernels
import TestSupport
import Testing

/// Conv2d backward against central finite differences of Σ out · r (conv is linear, so the
/// only error is float rounding: tolerance 1e-2 relative).
@Suite struct ConvolutionGradientTests {
  static let geometries = [
    ConvGeometry(
      batch: 2, inHeight: 5, inWidth: 6, inChannels: 3, outChannels: 4, kernel: (3, 3), stride: (2, 2),
      padding: (1, 1)),
    ConvGeometry(
      batch: 2, inHeight: 4, inWidth: 4, inChannels: 3, outChannels: 2, kernel: (1, 1), stride: (1, 1),
      padding: (0, 0)),
    ConvGeometry(
      batch: 1, inHeight: 7, inWidth: 5, inChannels: 2, outChannels: 3, kernel: (5, 3), stride: (2, 1),
      padding: (2, 0)),
    ConvGeometry(
      batch: 1, inHeight: 8, inWidth: 8, inChannels: 1, outChannels: 2, kernel: (7, 7), stride: (2, 2),
      padding: (3, 3)),
  ]

  func forward(_ x: [Float], _ w: [Float], _ b: [Float], _ g: ConvGeometry) -> [Float] {
    var out = [Float](repeating: 0, count: g.outputCount)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    conv2dForward(output: &out, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
    return out
  }

  @Test(arguments: geometries + ValidTapConvolutionTests.geometries)
  func gradientsMatchFiniteDifferences(_ g: ConvGeometry) {
    var random = TestRandom(seed: 7)
    let x = random.floats(g.inputCount)
    let w = random.floats(g.weightCount)
    let b = random.floats(g.outChannels)
    let r = random.floats(g.outputCount)

    var gradX = [Float](repeating: 0, count: g.inputCount)
    var gradW = [Float](repeating: 0, count: g.weightCount)
    var gradB = [Float](repeating: 0, count: g.outChannels)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    conv2dBackward(
      gradInput: &gradX, gradWeight: &gradW, gradBias: &gradB, gradOutput: r, input: x, weight: w,
      geometry: g, workspace: &workspace)

    #expect(finiteDifferenceError(at: x, analytic: gradX) { weightedSum(forward($0, w, b, g), r) } < 1e-2)
    #expect(finiteDifferenceError(at: w, analytic: gradW) { weightedSum(forward(x, $0, b, g), r) } < 1e-2)
    #expect(finiteDifferenceError(at: b, analytic: gradB) { weightedSum(forward(x, w, $0, g), r) } < 1e-2)
  }

  /// A residual block's first conv adds its input gradient onto the shortcut's: on every path
  /// (pointwise, Winograd, 2x2 map, valid taps, im2col + col2im; flipped kernel or not) that
  /// must equal the overwritten gradient plus what the target held.
  @Test(arguments: [
    (4, 1, 1, 0), (5, 3, 1, 1), (2, 3, 1, 1), (7, 3, 2, 1), (1, 3, 1, 1), (6, 1, 2, 0), (8, 5, 2, 2),
  ])
  func accumulatedInputGradientAddsToTarget(map: Int, kernel: Int, stride: Int, padding: Int) {
    let g = ConvGeometry(
      batch: 3, inHeight: map, inWidth: map, inChannels: 4, outChannels: 5, kernel: (kernel, kernel),
      stride: (stride, stride), padding: (padding, padding))
    var random = TestRandom(seed: 9)
    let (x, w, dy, held) = (
      random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outputCount),
      random.floats(g.inputCount)
    )
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    var (gradWeight, flipped) = ([Float](repeating: 0, count: w.count), [Float](repeating: 0, count: w.count))
    func inputGradient(into target: inout [Float], accumulate: Bool, flip: Bool) {
      flipped.withUnsafeMutableBufferPointer { flippedBuffer in
        conv2dBackward(
          gradInput: &target, gradWeight: &gradWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
          geometry: g, workspace: &workspace, flippedWeight: flip ? flippedBuffer.baseAddress : nil,
          accumulateInputGradient: accumulate)
      }
    }
    for flip in [false, true] {
      var overwritten = [Float](repeating: .nan, count: x.count)
      var accumulated = held
      inputGradient(into: &overwritten, accumulate: false, flip: flip)
      inputGradient(into: &accumulated, accumulate: true, flip: flip)
      #expect(maxAbsDifference(accumulated, zip(held, overwritten).map { $0 + $1 }) < 1e-4)
    }
  }

  @Test func outputSizeFollowsPyTorch() {
    // floor((28 + 2·3 - 7) / 2) + 1 = 14: the ResNet stem on MNIST.
    let stem = ConvGeometry(
      batch: 1, inHeight: 28, inWidth: 28, inChannels: 1, outChannels: 64, kernel: (7, 7), stride: (2, 2),
      padding: (3, 3))
    #expect(stem.outHeight == 14 && stem.outWidth == 14)
  }
}

/// The valid-tap GEMMs for small output maps must give what im2col gives forward (backward:
/// finite differences in ConvolutionGradientTests), and take exactly the convs they are for.
@Suite struct ValidTapConvolutionTests {
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
    #expect(g.prefersValidTaps && g.convolutionWorkspaceCount == 0)
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
    #expect(!geometry(map: 4, kernel: 3, stride: 1, padding: 1).prefersValidTaps)
    #expect(!geometry(map: 2, kernel: 3, stride: 1, padding: 1).prefersValidTaps)
    #expect(!geometry(map: 7, kernel: 1, stride: 2, padding: 0).prefersValidTaps)
    #expect(!geometry(map: 4, kernel: 1, stride: 1, padding: 0).prefersValidTaps)
    #expect(!geometry(map: 28, kernel: 7, stride: 2, padding: 3).prefersValidTaps)
    #expect(geometry(map: 7, kernel: 3, stride: 2, padding: 1).prefersValidTaps)
  }
}

/// The direct loop for one input channel (the stem) gives what im2col + GEMM gives, through an
/// epilogue of bias, residual and ReLU.
@Suite struct SingleChannelConvolutionTests {
  @Test(arguments: [
    ConvGeometry(
      batch: 2, inHeight: 28, inWidth: 28, inChannels: 1, outChannels: 64, kernel: (7, 7), stride: (2, 2),
      padding: (3, 3)),
    ConvGeometry(
      batch: 3, inHeight: 5, inWidth: 6, inChannels: 1, outChannels: 32, kernel: (3, 2), stride: (1, 2),
      padding: (1, 0)),
  ])
  func matchesIm2col(_ g: ConvGeometry) {
    #expect(g.prefersSingleChannelDirect && !g.prefersValidTaps)
    var random = TestRandom(seed: 4)
    let (x, w, b, residual) = (
      random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outChannels),
      random.floats(g.outputCount)
    )
    var reference = [Float](repeating: 0, count: g.outputCount)
    var columns = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    im2colConvForward(output: &reference, input: x, weight: w, bias: b, geometry: g, workspace: &columns)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    var output = [Float](repeating: .nan, count: g.outputCount)
    conv2dForward(output: &output, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
    #expect(maxAbsDifference(output, reference) < 1e-5)

    var fused = [Float](repeating: .nan, count: g.outputCount)
    b.withUnsafeBufferPointer { bias in
      residual.withUnsafeBufferPointer { residual in
        singleChannelConvForward(
          output: &fused, input: x, weight: w,
          epilogue: ConvEpilogue(bias: bias.baseAddress, residual: residual.baseAddress, relu: true),
          geometry: g, workspace: &workspace)
      }
    }
    #expect(maxAbsDifference(fused, zip(reference, residual).map { max($0 + $1, 0) }) < 1e-5)
  }
}

/// The stride-1 input gradient computed as a conv with the flipped kernel equals col2im's.
@Suite struct TransposedInputGradientTests {
  @Test(arguments: [
    ConvGeometry(
      batch: 2, inHeight: 7, inWidth: 7, inChannels: 3, outChannels: 4, kernel: (3, 3), stride: (1, 1),
      padding: (1, 1)),
    ConvGeometry(
      batch: 1, inHeight: 6, inWidth: 5, inChannels: 2, outChannels: 3, kernel: (5, 3), stride: (1, 1),
      padding: (2, 0)),
    ConvGeometry(
      batch: 2, inHeight: 4, inWidth: 4, inChannels: 3, outChannels: 2, kernel: (3, 3), stride: (1, 1),
      padding: (0, 0)),
  ])
  func matchesCol2im(_ g: ConvGeometry) throws {
    let transposed = try #require(g.inputGradientGeometry)
    #expect(transposed.outHeight == g.inHeight && transposed.outWidth == g.inWidth)
    var random = TestRandom(seed: 33)
    let x = random.floats(g.inputCount)
    let w = random.floats(g.weightCount)
    let dy = random.floats(g.outputCount)
    var workspace = [Float](
      repeating: 0, count: g.convolutionWorkspaceCount)
    var flipped = [Float](repeating: 0, count: g.weightCount)
    var (gx1, gw1) = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: w.count))
    conv2dBackward(
      gradInput: &gx1, gradWeight: &gw1, gradBias: nil, gradOutput: dy, input: x, weight: w, geometry: g,
      workspace: &workspace)
    var (gx2, gw2) = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: w.count))
    conv2dBackward(
      gradInput: &gx2, gradWeight: &gw2, gradBias: nil, gradOutput: dy, input: x, weight: w, geometry: g,
      workspace: &workspace, flippedWeight: &flipped)
    #expect(maxAbsDifference(gx1, gx2) < 1e-5)
    #expect(gw1 == gw2)
  }

  @Test func stridedAndPointwiseConvsHaveNone() {
    let strided = ConvGeometry(
      batch: 1, inHeight: 4, inWidth: 4, inChannels: 1, outChannels: 1, kernel: (3, 3), stride: (2, 2),
      padding: (1, 1))
    let pointwise = ConvGeometry(
      batch: 1, inHeight: 4, inWidth: 4, inChannels: 1, outChannels: 1, kernel: (1, 1), stride: (1, 1),
      padding: (0, 0))
    #expect(strided.inputGradientGeometry == nil && pointwise.inputGradientGeometry == nil)
  }
}

/// Winograd F(4x4, 3x3) must give what im2col + GEMM gives, on maps that are a whole number of
/// 4x4 tiles and maps that are not, with channel counts that fill 8 lanes and counts that do not.
@Suite struct WinogradTests {
  static let geometries = [
    (4, 4, 8, 16), (7, 7, 64, 64), (5, 6, 3, 5), (3, 3, 12, 9), (9, 8, 17, 8), (28, 28, 1, 4),
  ].map { height, width, inChannels, outChannels in
    ConvGeometry(
      batch: 3, inHeight: height, inWidth: width, inChannels: inChannels, outChannels: outChannels,
      kernel: (3, 3), stride: (1, 1), padding: (1, 1))
  }

  /// 130 images of 7x7 (520 tiles) take two passes of at most 512 tiles.
  static let chunked = ConvGeometry(
    batch: 130, inHeight: 7, inWidth: 7, inChannels: 64, outChannels: 64, kernel: (3, 3), stride: (1, 1),
    padding: (1, 1))

  @Test(arguments: geometries + [chunked])
  func matchesIm2col(_ g: ConvGeometry) {
    #expect(g.prefersWinograd)
    var random = TestRandom(seed: 11)
    let x = random.floats(g.inputCount)
    let w = random.floats(g.weightCount)
    let b = random.floats(g.outChannels)
    var reference = [Float](repeating: 0, count: g.outputCount)
    var winograd = [Float](repeating: .nan, count: g.outputCount)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    im2colConvForward(output: &reference, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
    conv2dForward(output: &winograd, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
    // Sums of 9·C products of values in [-1, 1]; Winograd's transforms add rounding of a few ulps of the largest terms.
    let scale = Float(9 * g.inChannels).squareRoot()
    #expect(maxAbsDifference(winograd, reference) < 2e-5 * scale)
  }

  /// Outputs much wider than inputs: the weight gradient's passes (sized to the im2col matrix it
  /// replaces, at least the forward's) then cover 512 of the 588 tiles, so it takes two.
  static let wideOutput = ConvGeometry(
    batch: 12, inHeight: 28, inWidth: 28, inChannels: 8, outChannels: 64, kernel: (3, 3), stride: (1, 1),
    padding: (1, 1))

  @Test(arguments: geometries + [chunked, wideOutput])
  func weightGradientMatchesIm2col(_ g: ConvGeometry) {
    var random = TestRandom(seed: 14)
    let (x, dy) = (random.floats(g.inputCount), random.floats(g.outputCount))
    var columns = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    im2col(&columns, x, g)
    // Both accumulate onto what the gradient holds (0.5 everywhere).
    var reference = [Float](repeating: 0.5, count: g.weightCount)
    gemm(
      transposeA: true, transposeB: false, m: g.outChannels, n: g.columnWidth, k: g.columnRows, a: dy,
      lda: g.outChannels, b: columns, ldb: g.columnWidth, beta: 1, c: &reference, ldc: g.columnWidth)
    var winograd = [Float](repeating: 0.5, count: g.weightCount)
    var workspace = [Float](repeating: .nan, count: g.convolutionWorkspaceCount)
    winogradWeightGradient(
      gradWeight: &winograd, gradOutput: dy, input: x, geometry: g, workspace: &workspace)
    // Sums over N·H·W pixels of products in [-1, 1], through the transforms' rounding.
    let scale = Float(g.columnRows).squareRoot()
    #expect(maxAbsDifference(winograd, reference) < 2e-5 * scale)
  }

  @Test func appliesOnlyToThreeByThreeStrideOnePadOne() {
    let base = ConvGeometry(
      batch: 1, inHeight: 7, inWidth: 7, inChannels: 8, outChannels: 8, kernel: (3, 3), stride: (1, 1),
      padding: (1, 1))
    var strided = base
    strided.strideHeight = 2
    var small = base
    (small.inHeight, small.inWidth) = (2, 2)
    var wide = base
    (wide.kernelHeight, wide.kernelWidth) = (5, 5)
    #expect(base.prefersWinograd)
    #expect(Self.chunked.winogradTiles > Self.chunked.winogradChunkTiles)
    #expect(Self.wideOutput.winogradTiles > Self.wideOutput.winogradWeightGradientChunkTiles)
    #expect(!strided.prefersWinograd && !small.prefersWinograd && !wide.prefersWinograd)
  }
}

/// The 2x2-map algorithm (9 products per channel pair) must give what im2col + GEMM gives
/// forward, and the weight gradient a direct sum over taps gives, on channel counts that fill 8
/// lanes and counts that do not (and a batch of 10 whose point GEMMs split into two row blocks).
@Suite struct TwoByTwoMapTests {
  static let geometries = [(8, 16, 3), (5, 9, 2), (17, 3, 4), (32, 32, 10)].map {
    inChannels, outChannels, batch in
    ConvGeometry(
      batch: batch, inHeight: 2, inWidth: 2, inChannels: inChannels, outChannels: outChannels,
      kernel: (3, 3), stride: (1, 1), padding: (1, 1))
  }

  @Test(arguments: geometries)
  func forwardMatchesIm2col(_ g: ConvGeometry) {
    #expect(g.prefersTwoByTwoMap && !g.prefersValidTaps && !g.prefersWinograd)
    var random = TestRandom(seed: 12)
    let (x, w, b) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outChannels))
    var reference = [Float](repeating: 0, count: g.outputCount)
    var twoByTwo = [Float](repeating: .nan, count: g.outputCount)
    var columns = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    im2colConvForward(output: &reference, input: x, weight: w, bias: b, geometry: g, workspace: &columns)
    conv2dForward(output: &twoByTwo, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
    #expect(maxAbsDifference(twoByTwo, reference) < 2e-5 * Float(9 * g.inChannels).squareRoot())
  }

  /// The input gradient as Conv2d computes it (the flipped kernel through the 2x2-map forward)
  /// against the im2col route (gradient columns folded back by col2im).
  @Test(arguments: geometries)
  func inputGradientMatchesIm2col(_ g: ConvGeometry) {
    var random = TestRandom(seed: 15)
    let (x, w, dy) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outputCount))
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    var (viaFlipped, viaColumns) = (
      [Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: x.count)
    )
    var (gradWeight, flipped) = ([Float](repeating: 0, count: w.count), [Float](repeating: 0, count: w.count))
    conv2dBackward(
      gradInput: &viaFlipped, gradWeight: &gradWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
      geometry: g, workspace: &workspace, flippedWeight: &flipped)
    conv2dBackward(
      gradInput: &viaColumns, gradWeight: &gradWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
      geometry: g, workspace: &workspace)
    #expect(maxAbsDifference(viaFlipped, viaColumns) < 2e-5 * Float(9 * g.outChannels).squareRoot())
  }

  @Test(arguments: geometries)
  func weightGradientMatchesDirectSum(_ g: ConvGeometry) {
    var random = TestRandom(seed: 13)
    let (x, dy) = (random.floats(g.inputCount), random.floats(g.outputCount))
    var reference = [Float](repeating: 0.5, count: g.weightCount)
    for n in 0..<g.batch {
      for (oy, ox) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        for ky in 0..<3 {
          for kx in 0..<3 {
            let (iy, ix) = (oy + ky - 1, ox + kx - 1)
            guard (0..<2).contains(iy), (0..<2).contains(ix) else { continue }
            for oc in 0..<g.outChannels {
              for c in 0..<g.inChannels {
                reference[((oc * 3 + ky) * 3 + kx) * g.inChannels + c] +=
                  dy[((n * 2 + oy) * 2 + ox) * g.outChannels + oc]
                  * x[((n * 2 + iy) * 2 + ix) * g.inChannels + c]
              }
            }
          }
        }
      }
    }
    // Accumulates onto what gradWeight holds (0.5 everywhere), as conv2dBackward does.
    var gradient = [Float](repeating: 0.5, count: g.weightCount)
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    twoByTwoMapWeightGradient(
      gradWeight: &gradient, gradOutput: dy, input: x, geometry: g, workspace: &workspace)
    #expect(maxAbsDifference(gradient, reference) < 2e-5 * Float(4 * g.batch).squareRoot())
  }
}

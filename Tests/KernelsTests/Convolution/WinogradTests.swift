import DigitsKernels
import TestSupport
import Testing

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

  /// 130 images of 7x7 (520 tiles): the forward pass in 22 blocks of 24 tiles, the last one
  /// partial, and more tiles than the weight gradient's least pass of 512.
  static let chunked = ConvGeometry(
    batch: 130, inHeight: 7, inWidth: 7, inChannels: 64, outChannels: 64, kernel: (3, 3), stride: (1, 1),
    padding: (1, 1))

  @Test(arguments: geometries + [chunked])
  func matchesIm2col(_ g: ConvGeometry) {
    #expect(g.algorithm == .winograd)
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
    #expect(base.algorithm == .winograd)
    #expect(Self.chunked.winogradTiles > Self.chunked.winogradChunkTiles)
    #expect(Self.wideOutput.winogradTiles > Self.wideOutput.winogradWeightGradientChunkTiles)
    #expect(
      strided.algorithm == .im2colGemm && small.algorithm == .twoByTwoMap && wide.algorithm == .im2colGemm)
  }
}

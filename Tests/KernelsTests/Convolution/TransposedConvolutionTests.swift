import DigitsKernels
import TestSupport
import Testing

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

  /// Winograd and the 2x2-map algorithm transform the kernel flipped as they read it, with the
  /// same arithmetic as their forward pass over a flipped copy (the route the others take): the
  /// same bits, on channel counts that fill 8 lanes and counts that do not.
  @Test(arguments: [(7, 5, 9, 2), (4, 16, 8, 3), (3, 3, 10, 1), (2, 9, 17, 2), (2, 32, 24, 3)])
  func transformedKernelEqualsFlippedCopy(map: Int, inChannels: Int, outChannels: Int, batch: Int) throws {
    let g = ConvGeometry(
      batch: batch, inHeight: map, inWidth: map, inChannels: inChannels, outChannels: outChannels,
      kernel: (3, 3), stride: (1, 1), padding: (1, 1))
    #expect(g.algorithm == (map == 2 ? .twoByTwoMap : .winograd))
    let transposed = try #require(g.inputGradientGeometry)
    var random = TestRandom(seed: 34)
    let (x, w, dy) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outputCount))
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    var (direct, viaCopy) = (
      [Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: x.count)
    )
    var (gradWeight, flipped) = ([Float](repeating: 0, count: w.count), [Float](repeating: 0, count: w.count))
    conv2dBackward(
      gradInput: &direct, gradWeight: &gradWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
      geometry: g, workspace: &workspace)
    flipKernelForInputGradient(&flipped, weight: w, g)
    conv2dForward(
      output: &viaCopy, input: dy, weight: flipped, bias: nil, geometry: transposed, workspace: &workspace)
    #expect(direct == viaCopy)
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

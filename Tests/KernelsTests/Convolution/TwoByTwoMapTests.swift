import DigitsKernels
import TestSupport
import Testing

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
    #expect(g.algorithm == .twoByTwoMap)
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

  /// The input gradient (the flipped kernel through the 2x2-map algorithm) against im2col + GEMM
  /// of the same transposed conv over an explicitly flipped copy of the kernel.
  @Test(arguments: geometries)
  func inputGradientMatchesIm2col(_ g: ConvGeometry) throws {
    let transposed = try #require(g.inputGradientGeometry)
    var random = TestRandom(seed: 15)
    let (x, w, dy) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outputCount))
    var workspace = [Float](repeating: 0, count: g.convolutionWorkspaceCount)
    var (viaTransforms, viaColumns) = (
      [Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: x.count)
    )
    var (gradWeight, flipped) = ([Float](repeating: 0, count: w.count), [Float](repeating: 0, count: w.count))
    conv2dBackward(
      gradInput: &viaTransforms, gradWeight: &gradWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
      geometry: g, workspace: &workspace)
    flipKernelForInputGradient(&flipped, weight: w, g)
    var columns = [Float](repeating: 0, count: transposed.columnRows * transposed.columnWidth)
    im2colConvForward(
      output: &viaColumns, input: dy, weight: flipped, bias: nil, geometry: transposed, workspace: &columns)
    #expect(maxAbsDifference(viaTransforms, viaColumns) < 2e-5 * Float(9 * g.outChannels).squareRoot())
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

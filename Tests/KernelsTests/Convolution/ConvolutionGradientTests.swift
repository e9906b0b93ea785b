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

  @Test(arguments: geometries + ValidTapsTests.geometries)
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

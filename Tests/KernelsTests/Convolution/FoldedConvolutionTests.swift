import DigitsKernels
import TestSupport
import Testing

/// The folded inference conv, relu(conv + shift + residual), on every algorithm's path: what the
/// plain forward pass gives, with the shift, residual and ReLU applied after it.
@Suite struct FoldedConvolutionTests {
  static let cases: [(ConvGeometry, ConvAlgorithm)] = [
    // 45 images of 14x14x64 output: two passes of at most 41 images.
    (geometry(batch: 45, map: 28, channels: (2, 64), kernel: 7, stride: 2, padding: 3), .im2colGemm),
    (geometry(batch: 3, map: 6, channels: (300, 256), kernel: 1, stride: 1, padding: 0), .pointwiseGemm),
    (geometry(batch: 3, map: 5, channels: (6, 8), kernel: 1, stride: 1, padding: 0), .smallPointwise),
    (geometry(batch: 3, map: 7, channels: (5, 9), kernel: 3, stride: 1, padding: 1), .winograd),
    (geometry(batch: 3, map: 2, channels: (5, 9), kernel: 3, stride: 1, padding: 1), .twoByTwoMap),
    (geometry(batch: 3, map: 12, channels: (1, 32), kernel: 7, stride: 2, padding: 3), .singleChannelDirect),
    (geometry(batch: 3, map: 7, channels: (5, 9), kernel: 3, stride: 2, padding: 1), .validTaps),
  ]

  static func geometry(
    batch: Int, map: Int, channels: (Int, Int), kernel: Int, stride: Int, padding: Int
  ) -> ConvGeometry {
    ConvGeometry(
      batch: batch, inHeight: map, inWidth: map, inChannels: channels.0, outChannels: channels.1,
      kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding))
  }

  @Test(arguments: cases)
  func matchesForwardThenEpilogue(_ g: ConvGeometry, algorithm: ConvAlgorithm) {
    #expect(g.algorithm == algorithm)
    var random = TestRandom(seed: 19)
    let (x, w, shift, residual) = (
      random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outChannels),
      random.floats(g.outputCount)
    )
    var workspace = [Float](repeating: .nan, count: g.convolutionWorkspaceCount)
    var reference = [Float](repeating: .nan, count: g.outputCount)
    conv2dForward(output: &reference, input: x, weight: w, bias: shift, geometry: g, workspace: &workspace)
    for index in reference.indices { reference[index] = max(0, reference[index] + residual[index]) }
    var folded = [Float](repeating: .nan, count: g.outputCount)
    foldedConvForward(
      output: &folded, input: x, weight: w, shift: shift, residual: residual, relu: true, geometry: g,
      workspace: &workspace)
    #expect(reference.contains(0) && reference.contains { $0 > 0 })
    // Sums of up to 300 products in [-1, 1], the shift and residual added in another order.
    #expect(maxAbsDifference(folded, reference) < 1e-4)
  }
}

import DigitsKernels
import TestSupport
import Testing

/// The direct loop for one input channel (the stem) gives what im2col + GEMM gives, through an
/// epilogue of bias, residual and ReLU.
@Suite struct SingleChannelDirectTests {
  @Test(arguments: [
    ConvGeometry(
      batch: 2, inHeight: 28, inWidth: 28, inChannels: 1, outChannels: 64, kernel: (7, 7), stride: (2, 2),
      padding: (3, 3)),
    ConvGeometry(
      batch: 3, inHeight: 5, inWidth: 6, inChannels: 1, outChannels: 32, kernel: (3, 2), stride: (1, 2),
      padding: (1, 0)),
  ])
  func matchesIm2col(_ g: ConvGeometry) {
    #expect(g.algorithm == .singleChannelDirect)
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

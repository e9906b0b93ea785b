import DigitsKernels
import TestSupport
import Testing

/// Winograd and the 2x2-map form run their forward pass in blocks of tiles or images, each
/// worker in a scratch of its own: a batch must give, to the bit, what each of its images gives
/// alone (one block, one worker), with two workers and with one. Batches of several blocks, the
/// last one partial.
@Suite struct TransformedConvBlocksTests {
  static let geometries = [(7, 70, ConvAlgorithm.winograd), (4, 41, .winograd), (2, 75, .twoByTwoMap)].map {
    side, batch, algorithm in
    (
      ConvGeometry(
        batch: batch, inHeight: side, inWidth: side, inChannels: 16, outChannels: 24, kernel: (3, 3),
        stride: (1, 1), padding: (1, 1)), algorithm
    )
  }

  @Test(arguments: geometries)
  func batchEqualsImagesAlone(_ g: ConvGeometry, _ algorithm: ConvAlgorithm) {
    #expect(g.algorithm == algorithm)
    var random = TestRandom(seed: 21)
    let (x, w, b) = (random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outChannels))
    var single = g
    single.batch = 1
    let (inputPerImage, outputPerImage) = (single.inputCount, single.outputCount)
    var alone = [Float](repeating: .nan, count: g.outputCount)
    var workspace = [Float](repeating: .nan, count: single.convolutionWorkspaceCount)
    for image in 0..<g.batch {
      let output = Array(x[image * inputPerImage..<(image + 1) * inputPerImage]).withUnsafeBufferPointer {
        input in
        var output = [Float](repeating: .nan, count: outputPerImage)
        conv2dForward(
          output: &output, input: input.baseAddress!, weight: w, bias: b, geometry: single,
          workspace: &workspace)
        return output
      }
      alone.replaceSubrange(image * outputPerImage..<(image + 1) * outputPerImage, with: output)
    }
    for workers in [2, 1] {
      let batched = Workers.run(workers) {
        var output = [Float](repeating: .nan, count: g.outputCount)
        var workspace = [Float](repeating: .nan, count: g.convolutionWorkspaceCount)
        conv2dForward(output: &output, input: x, weight: w, bias: b, geometry: g, workspace: &workspace)
        return output
      }
      let differing = zip(batched, alone).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "\(workers) workers")
    }
  }
}

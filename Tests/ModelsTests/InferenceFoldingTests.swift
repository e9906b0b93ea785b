import DigitsModels
import DigitsNN
import TestSupport
import Testing

/// Inference folds each BatchNorm into the conv before it, and each residual join and ReLU
/// into the block's last conv. It must compute what the layer-by-layer eval forward computes,
/// on every conv path: the stem's direct loop, Winograd on 7x7 and 4x4 maps, the
/// valid-tap GEMMs for strided 3x3 convs and 1x1 maps, the 2x2-map algorithm, strided 1x1 shortcuts, pointwise convs
/// by our own GEMM (the first two stages) and in passes (the others); and, where folding does not pay (the last stage at this batch: outputs smaller than
/// the weights), conv and norm one after the other with the residual joined after.
@Suite struct InferenceFoldingTests {
  @Test(arguments: [false, true])
  func foldedForwardMatchesLayerByLayerEval(bottleneck: Bool) {
    let model = ResNet(blocksPerStage: [2, 1, 1, 2], bottleneck: bottleneck)
    var random = TestRandom(seed: 5)
    model.initialize(using: &random)
    // Running statistics and affine parameters far from the identity, so folding matters.
    for arena in [model.parameters, model.buffers] {
      for slot in arena.slots where slot.name.contains("bn") || slot.name.contains("downsample.1") {
        let range: Range<Float> =
          slot.name.hasSuffix("running_var")
          ? 0.3..<2 : slot.name.hasSuffix("weight") ? 0.5..<1.5 : -0.5..<0.5
        guard !slot.name.hasSuffix("num_batches_tracked") else { continue }
        (arena.values + slot.offset).update(from: random.floats(slot.count, in: range), count: slot.count)
      }
    }
    // 45 images (the OpenBLAS paths' passes of several images: FoldedConvolutionTests).
    let images = Tensor(batch: 45, height: 28, width: 28, channels: 1)
    images.data.update(from: random.floats(images.count), count: images.count)

    let layerByLayer = model.forward(images, context: ExecutionContext(training: false)).array
    let folded = model.forward(images, context: .inference()).array
    #expect(layerByLayer.contains { abs($0) > 0.1 })
    // Folding moves the BN scale inside the sums: rounding of a few ulps per layer.
    #expect(maxAbsDifference(folded, layerByLayer) <= parityTolerance(layerByLayer))
  }
}

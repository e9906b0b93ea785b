import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Testing

@testable import DigitsTraining

/// The optimiser stepped layer by layer inside the backward pass takes the step one pass over the
/// whole gradient arena takes, to the bit, from a gradient window one layer large; a non-finite
/// gradient stops it before the layer's weights move.
@Suite struct LayerwiseUpdateTests {
  static let mnist = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false)

  /// Three steps of a small ResNet on the same 3 batches of 16 digits, with the layerwise update
  /// or without: the weights, the optimiser's state, the BN buffers and the losses.
  static func train(
    bottleneck: Bool, optimizer kind: OptimizerKind, layerByLayer: Bool
  ) throws -> (model: ResNet, optimizer: any Optimizer, losses: [Float]) {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: bottleneck)
    var generator = SeededGenerator(seed: 3)
    model.initialize(using: &generator)
    var config = TrainingConfig()
    config.optimizer = kind
    config.weightDecay = 0.01
    let optimizer = config.makeOptimizer(model.parameters)
    let step = TrainingStep(
      model: model, optimizer: optimizer, labelSmoothing: 0.1, updatesLayerByLayer: layerByLayer)
    let batches = PrefetchingBatches(
      startingEpochOf: try BatchIterator(data: mnist.train, indices: Array(0..<48), batchSize: 16, seed: 1))
    var losses: [Float] = []
    while let outcome = try step.run(batches) { losses.append(outcome.loss) }
    _ = batches.finish()
    return (model, optimizer, losses)
  }

  static func floats(_ pointer: UnsafePointer<Float>, _ count: Int) -> [UInt32] {
    (0..<count).map { pointer[$0].bitPattern }
  }

  @Test(arguments: [false, true], [OptimizerKind.adamw, .sgd])
  func takesTheWholeArenasStepToTheBit(bottleneck: Bool, optimizer: OptimizerKind) throws {
    let layerwise = try Self.train(bottleneck: bottleneck, optimizer: optimizer, layerByLayer: true)
    let whole = try Self.train(bottleneck: bottleneck, optimizer: optimizer, layerByLayer: false)
    #expect(layerwise.losses.count == 3 && layerwise.losses == whole.losses)
    let count = whole.model.parameters.count
    #expect(
      Self.floats(layerwise.model.parameters.values, count)
        == Self.floats(whole.model.parameters.values, count))
    let buffers = whole.model.buffers.count
    #expect(
      Self.floats(layerwise.model.buffers.values, buffers) == Self.floats(whole.model.buffers.values, buffers)
    )
    for (mine, theirs) in zip(layerwise.optimizer.stateBlocks, whole.optimizer.stateBlocks) {
      #expect(Self.floats(mine.values, count) == Self.floats(theirs.values, count), "\(mine.name)")
    }
    #expect(layerwise.optimizer.stepCount == 3 && whole.optimizer.stepCount == 3)
    // The window is the largest layer's parameters: layer4's 3x3 conv, 512 x 512 x 9.
    #expect(layerwise.model.parameters.sharesGradientWindow)
    #expect(layerwise.model.parameters.gradientCount == 512 * 512 * 9)
    #expect(!whole.model.parameters.sharesGradientWindow && whole.model.parameters.gradientCount == count)
  }

  @Test func aNonFiniteGradientLeavesItsLayerUntouchedAndStopsTheRest() throws {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false)
    var generator = SeededGenerator(seed: 3)
    model.initialize(using: &generator)
    let optimizer = Adam(parameters: model.parameters, hyper: AdamHyper(learningRate: 0.1))
    let update = LayerwiseUpdate(model: model, optimizer: optimizer)
    let layers = model.parameterizedLayers
    let (fc, stem) = (layers.last!, layers.first!)
    let before = Self.floats(model.parameters.values, model.parameters.count)
    update.begin()
    model.parameters.gradients.update(repeating: 1, count: fc.parameterRange.count)
    update.layerFinished(fc) { _, body in body() }
    #expect(update.layersUpdated == 1 && !update.sawNonFiniteGradient)
    model.parameters.gradients[5] = .nan
    update.layerFinished(layers[layers.count - 2]) { _, body in body() }
    update.layerFinished(stem) { _, body in body() }
    #expect(update.sawNonFiniteGradient && !update.isComplete && update.layersUpdated == 1)
    let after = Self.floats(model.parameters.values, model.parameters.count)
    let changed = Set((0..<after.count).filter { after[$0] != before[$0] })
    #expect(changed == Set(fc.parameterRange))
  }
}

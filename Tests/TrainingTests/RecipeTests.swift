import DigitsData
import DigitsModels
import DigitsNN
import DigitsReport
import Foundation
import TestSupport
import Testing

@testable import DigitsTraining

/// The improved recipe's parts on their own: the one-cycle rate, the weight average, TTA, the
/// stem without max-pool, and config.json files written before these settings existed.
@Suite struct RecipeTests {
  static let data = try! MNIST.load(directory: SmallMNIST.write(train: 200, test: 60), verifyChecksums: false)

  @Test func oneCycleWarmsUpThenAnneals() {
    let schedule = LearningRateSchedule.onecycle
    let rates = (0..<100).map { schedule.oneCycleRate(peak: 2e-3, step: $0, totalSteps: 100) }
    #expect(abs(rates[0] - 2e-3 / 25) < 1e-9)
    #expect(abs(rates[29] - 2e-3) < 1e-9)  // 0.3 · 100 - 1: the peak
    #expect(abs(rates[99] - 2e-3 / 25 / 1e4) < 1e-12)
    #expect(zip(rates[0..<29], rates[1...29]).allSatisfy { $0 < $1 })
    #expect(zip(rates[29..<99], rates[30...]).allSatisfy { $0 > $1 })
    #expect(schedule.changesEveryStep && !LearningRateSchedule.cosine.changesEveryStep)
  }

  @Test func weightAverageFollowsItsFormulaAndCopiesCounters() {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false)
    var generator = SeededGenerator(seed: 4)
    model.initialize(using: &generator)
    let average = WeightAverage(
      model: ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false), decay: 0.999, copying: model)
    let before = Array(UnsafeBufferPointer(start: average.model.parameters.values, count: 50))
    for i in 0..<model.parameters.count { model.parameters.values[i] += 1 }
    let counter = model.buffers.slots.first { $0.layout == .counter }!
    model.buffers.values[counter.offset] = 7
    average.update(from: model, step: 5)
    let rate: Float = 6.0 / 15  // min(0.999, (1 + 5) / (10 + 5))
    for i in 0..<50 {
      let expected = rate * before[i] + (1 - rate) * (before[i] + 1)
      #expect(abs(average.model.parameters.values[i] - expected) < 1e-6)
    }
    #expect(average.model.buffers.values[counter.offset] == 7)
  }

  @Test func weightAverageReachesItsDecayOnlyAfterItsWarmUp() {
    // (1 + t) / (10 + t) = 0.999 at t = 8,990: a 10-epoch run at batch 64 (6,570 steps) never gets there.
    #expect(WeightAverageWarmUp.steps(toReach: 0.999) == 8990)
    #expect(WeightAverageWarmUp.rate(decay: 0.999, step: 8989) < 0.999)
    #expect(WeightAverageWarmUp.rate(decay: 0.999, step: 8990) == 0.999)
    #expect(
      WeightAverageWarmUp.rate(decay: 0.999, step: 6570)
        == WeightAverageWarmUp.rate(decay: 0.9995, step: 6570))
    #expect(WeightAverageWarmUp.steps(toReach: 0.9) == 80)
    #expect(WeightAverageWarmUp.steps(toReach: 0) == 0)
  }

  @Test func testTimeAugmentationAveragesShiftedViews() throws {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false)
    var generator = SeededGenerator(seed: 2)
    model.initialize(using: &generator)
    let test = Self.data.test
    let averaged = try Evaluator(batchSize: 32, testTimeAugmentation: true).evaluate(
      model, data: test, normalization: .mnist, keepProbabilities: true)
    // By hand: each shift as its own byte images (blank ink is the normalised background).
    var mean = [Float](repeating: 0, count: averaged.probabilities.count)
    for shift in TestTimeAugmentation.shifts {
      var pixels = [UInt8](repeating: 0, count: test.pixels.count)
      for n in 0..<test.count {
        for y in 0..<28 {
          for x in 0..<28 where (0..<28).contains(x - shift.dx) && (0..<28).contains(y - shift.dy) {
            pixels[n * 784 + y * 28 + x] = test.pixels[n * 784 + (y - shift.dy) * 28 + x - shift.dx]
          }
        }
      }
      let view = try Evaluator(batchSize: 32).evaluate(
        model, data: LabeledImages(rows: 28, cols: 28, pixels: pixels, labels: test.labels),
        normalization: .mnist, keepProbabilities: true)
      for i in mean.indices { mean[i] += view.probabilities[i] / Float(TestTimeAugmentation.shifts.count) }
    }
    #expect(maxAbsDifference(averaged.probabilities, mean) < 1e-6)
    let expectedLoss =
      test.labels.indices.map { -log(Double(mean[$0 * 10 + Int(test.labels[$0])])) }
      .reduce(0, +) / Double(test.count)
    #expect(abs(Double(averaged.loss) - expectedLoss) < 1e-4)
  }

  @Test func rotatedTestViewsAreTheRotatedBytesAveragedWithTheShifts() throws {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: false)
    var generator = SeededGenerator(seed: 3)
    model.initialize(using: &generator)
    let test = Self.data.test
    func probabilities(_ evaluator: Evaluator, _ data: LabeledImages) throws -> [Float] {
      try evaluator.evaluate(model, data: data, normalization: .mnist, keepProbabilities: true).probabilities
    }
    let shifts = try probabilities(Evaluator(batchSize: 32, testTimeAugmentation: true), test)
    let averaged = try probabilities(
      Evaluator(batchSize: 32, testTimeAugmentation: true, ttaRotation: 12), test)
    // By hand: the five shifts' mean, and each rotation warped from the bytes as training warps them.
    var mean = shifts.map { $0 * 5 / 7 }
    for degrees: Float in [12, -12] {
      let rotation = AffineDistortion(angle: degrees * .pi / 180, scale: 1, shiftX: 0, shiftY: 0)
      var normalised = [Float](repeating: 0, count: test.pixels.count)
      test.pixels.withUnsafeBufferPointer { bytes in
        for n in 0..<test.count {
          rotation.apply(
            bytes.baseAddress! + n * 784, rows: 28, cols: 28, into: &normalised[n * 784],
            normalization: .mnist)
        }
      }
      // The same rotation of the already normalised floats, as an image the model reads as it is.
      var floats = test.pixels.map { Normalization.mnist.lookupTable[Int($0)] }
      var warped = floats
      TestTimeAugmentation.apply(
        rotation, to: &floats, count: test.count, rows: 28, cols: 28,
        background: Normalization.mnist.lookupTable[0], into: &warped)
      #expect(maxAbsDifference(warped, normalised) < 1e-5)
      #expect(maxAbsDifference(warped, floats) > 0.5)
      let logits = model.forward(
        Tensor(warped, batch: test.count, height: 28, width: 28, channels: 1), context: .inference()
      ).array
      for n in 0..<test.count {
        let row = logits[n * 10..<n * 10 + 10]
        let exponentials = row.map { exp($0 - row.max()!) }
        for k in 0..<10 { mean[n * 10 + k] += exponentials[k] / exponentials.reduce(0, +) / 7 }
      }
    }
    #expect(maxAbsDifference(averaged, mean) < 1e-5)
  }

  @Test func stemWithoutMaxPoolKeepsItsNameInTheCheckpoint() throws {
    let model = ResNet(.resnet18, stem: .nomaxpool)
    var generator = SeededGenerator(seed: 1)
    model.initialize(using: &generator)
    let input = Tensor(batch: 2, height: 28, width: 28, channels: 1)
    for i in 0..<input.count { input.data[i] = Float(i % 7) / 7 }
    let logits = Array(
      UnsafeBufferPointer(start: model.forward(input, context: .inference()).data, count: 20))
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.path + "/nomaxpool.safetensors"
    try Classifier(model: model, normalization: .mnist).save(to: path)
    let file = try SafeTensorsFile.read(path: path)
    #expect(file.metadata["stem"] == "nomaxpool")
    let loaded = try Classifier.load(path: path).model
    #expect(loaded.stemLayout == .nomaxpool)
    let again = Array(
      UnsafeBufferPointer(start: loaded.forward(input, context: .inference()).data, count: 20))
    #expect(again == logits)
    // The same weights with torchvision's stem give other logits: the layout matters.
    let standard = ResNet(.resnet18)
    try standard.load(from: file)
    let other = Array(
      UnsafeBufferPointer(start: standard.forward(input, context: .inference()).data, count: 20))
    #expect(other != logits)
  }

  @Test func unknownStemInTheMetadataIsNamed() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.path + "/odd.safetensors"
    try ResNet(.resnet18).save(to: path, metadata: ["stem": "pyramid"])
    #expect {
      _ = try Classifier.load(path: path)
    } throws: { "\($0)".contains("odd.safetensors") && "\($0)".contains("pyramid") }
  }

  /// results/runs/resnet34/config.json as committed before the recipe flags existed (git show
  /// 4615d20^:results/runs/resnet34/config.json); such folders must still resume and report.
  @Test func configsWrittenBeforeTheRecipeStillRead() throws {
    let text = """
      {
        "batch_size" : 128,
        "epochs" : 10,
        "label_smoothing" : 0,
        "learning_rate" : 0.001,
        "min_delta" : 0,
        "model" : "resnet34",
        "optimizer" : "adam",
        "patience" : 3,
        "schedule" : "cosine",
        "seed" : 0,
        "threads" : 2,
        "validation_ratio" : 0.3,
        "weight_decay" : 0
      }
      """
    let config = try decodeJSON(TrainingConfig.self, from: text)
    #expect(config.trainingProtocol == .paper && !config.augment && config.ema == nil && !config.tta)
    #expect(config.stem == .standard && config.model == .resnet34 && config.schedule == .cosine)
    #expect(!config.cycleMomentum && config.augmentSampling == .bilinear)
  }

  @Test func improvedProtocolSetsEveryIngredient() throws {
    let config = TrainingConfig(protocol: .improved, threads: 1)
    #expect(config.optimizer == .adamw && config.schedule == .onecycle && config.learningRate == 2e-3)
    #expect(config.augment && config.ema == 0.999 && config.tta && config.labelSmoothing == 0.1)
    #expect(config.weightDecay == 5e-4 && config.patience == 0)
    let paper = TrainingConfig(threads: 1)
    #expect(paper.schedule == .constant && paper.optimizer == .adam && paper.learningRate == 1e-3)
    #expect(paper.patience == 3 && !paper.augment && paper.ema == nil && !paper.tta)
    // Round trip through config.json.
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(config)) == config)
    // β1 stays 0.9 unless asked; a run folder from before `cycle_momentum` existed resumes as one
    // without it, and a run with it does not resume as one without.
    #expect(!config.cycleMomentum)
    var cycled = config
    cycled.cycleMomentum = true
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(cycled)) == cycled)
    #expect(!cycled.isResumable(from: config))
    let older = try Self.read(without: ["cycle_momentum"], config)
    #expect(older.present && older.config == config)
  }

  @Test func augmentationSamplingIsPartOfTheRecipe() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    var nearest = recipe
    nearest.augmentSampling = .nearest
    let elastic = ElasticDistortion(alpha: 36, sigma: 6)
    #expect(nearest.augmentation == .standard(sampling: .nearest, elastic: elastic))
    #expect(recipe.augmentation == .standard(elastic: elastic))
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(nearest)) == nearest)
    #expect(!nearest.isResumable(from: recipe))
    #expect(nearest.recipeChanges.map(\.description) == ["nearest augmentation sampling"])
    #expect(
      nearest.ablatedIngredient == nil && nearest.recipeSummary.contains("augment (nearest, elastic 36.0"))
    let older = try Self.read(without: ["augment_sampling"], recipe)
    #expect(older.present && older.config == recipe)
  }

  @Test func zeroInitResidualIsPartOfTheRecipe() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    var zeroed = recipe
    zeroed.zeroInitResidual = true
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(zeroed)) == zeroed)
    #expect(!zeroed.isResumable(from: recipe))
    #expect(zeroed.recipeChanges.map(\.description) == ["zero-init residual"])
    #expect(zeroed.ablatedIngredient == nil && zeroed.recipeSummary.contains("zero-init residual"))
    let older = try Self.read(without: ["zero_init_residual"], recipe)
    #expect(older.present && older.config == recipe)
  }

  @Test func anEnlargedViewGrowsTheImageAboutItsCentreAndStillShiftsByWholePixels() {
    // 5x5, centre (2, 2): one lit pixel a column right of the centre. Enlarged twice, the pixel
    // two columns right of the centre reads it, and the one between reads half of it.
    var image = [Float](repeating: 0, count: 25)
    image[2 * 5 + 3] = 1
    let views = TestTimeAugmentation.views(scale: 2)
    func row2(_ view: AffineDistortion) -> [Float] {
      var out = [Float](repeating: -1, count: 25)
      TestTimeAugmentation.apply(view, to: image, count: 1, rows: 5, cols: 5, background: 0, into: &out)
      return Array(out[10..<15])
    }
    #expect(row2(views[0]) == [0, 0, 0, 0.5, 1])
    #expect(row2(views[1]) == [0, 0, 0, 0, 0.5], "shifted one pixel right after enlarging")
  }

  @Test func rotatedAndEnlargedTestViewsArePartOfTheRecipe() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    var rotated = recipe
    rotated.ttaRotation = 8
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(rotated)) == rotated)
    #expect(rotated.recipeChanges.map(\.description) == ["TTA (rotations ±8.0°)"])
    #expect(rotated.ablatedIngredient == nil && rotated.recipeSummary.contains(", TTA (rotations ±8.0°),"))
    let radians: Float = 8 * .pi / 180
    let angles = TestTimeAugmentation.views(rotation: 8).map(\.angle)
    #expect(angles == [0, 0, 0, 0, 0, radians, -radians])
    #expect(TestTimeAugmentation.views().count == 5)
    var enlarged = rotated
    enlarged.ttaScale = 1.1
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(enlarged)) == enlarged)
    #expect(enlarged.recipeChanges.map(\.description) == ["TTA (rotations ±8.0°, enlarged ×1.1)"])
    enlarged.ttaRotation = 0
    #expect(enlarged.recipeChanges.map(\.description) == ["TTA (enlarged ×1.1)"])
    #expect(TestTimeAugmentation.views(rotation: 8, scale: 1.1).allSatisfy { $0.scale == 1.1 })
    let older = try Self.read(without: ["tta_rotation", "tta_scale"], recipe)
    #expect(older.present && older.config == recipe)
  }

  @Test func affineRangesArePartOfTheRecipe() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    #expect(recipe.augmentation?.degrees == 10 && recipe.augmentation?.translate == 0.1)
    var milder = recipe
    (milder.augmentDegrees, milder.augmentTranslate, milder.augmentScale) = (5, 0.05, 0.08)
    let affine = try #require(milder.augmentation)
    #expect((affine.degrees, affine.translate, affine.scale) == (5, 0.05, 0.08))
    #expect(affine.elastic == recipe.augmentation?.elastic && affine.sampling == .bilinear)
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(milder)) == milder)
    #expect(!milder.isResumable(from: recipe))
    #expect(milder.recipeChanges.map(\.description) == ["rotation ±5.0°, shift ±0.05, scale ±0.08"])
    #expect(milder.ablatedIngredient == nil)
    #expect(milder.recipeSummary.contains("augment (rotation ±5.0°, shift ±0.05, scale ±0.08, elastic 36.0"))
    // Without --augment the ranges shape nothing, so they are no change to the recipe.
    milder.augment = false
    #expect(milder.recipeChanges.map(\.description) == ["no augmentation"])
    // A run written before the keys existed used the standard ranges.
    let older = try Self.read(without: ["augment_degrees", "augment_translate", "augment_scale"], recipe)
    #expect(older.present && older.config == recipe)
  }

  @Test func elasticDistortionIsPartOfTheRecipe() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    #expect(recipe.augmentation == .standard(elastic: ElasticDistortion(alpha: 36, sigma: 6)))
    #expect(recipe.recipeSummary.contains("augment (elastic 36.0, sigma 6.0)"))
    #expect(TrainingConfig(protocol: .paper, threads: 1).elastic == 0)
    var elastic = recipe
    elastic.elastic = 34
    #expect(elastic.augmentation == .standard(elastic: ElasticDistortion(alpha: 34, sigma: 6)))
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(elastic)) == elastic)
    #expect(!elastic.isResumable(from: recipe))
    #expect(elastic.recipeChanges.map(\.description) == ["elastic 34.0"] && elastic.ablatedIngredient == nil)
    elastic.augmentSampling = .nearest
    elastic.elasticSigma = 4
    #expect(elastic.augmentation?.elastic == ElasticDistortion(alpha: 34, sigma: 4))
    #expect(elastic.recipeSummary.contains("augment (nearest, elastic 34.0, sigma 4.0)"))
    #expect(
      elastic.recipeChanges.map(\.description) == [
        "nearest augmentation sampling", "elastic 34.0", "elastic sigma 4.0",
      ])
    var none = recipe
    none.elastic = 0
    #expect(none.augmentation?.elastic == nil)
    #expect(none.recipeChanges.map(\.description) == ["no elastic distortion"])
    #expect(none.ablatedIngredient == "elastic distortion")
    // A run written before the keys existed had no elastic distortion.
    let older = try Self.read(without: ["elastic", "elastic_sigma"], recipe)
    #expect(older.present && older.config == none)
  }

  /// `config` as a config.json written before `keys` existed reads: whether its JSON had every
  /// one of them, and the config read back without them.
  static func read(without keys: [String], _ config: TrainingConfig) throws -> (
    present: Bool, config: TrainingConfig
  ) {
    var json = try JSONSerialization.jsonObject(with: Data(encodeJSON(config).utf8)) as! [String: Any]
    let present = keys.allSatisfy { json.removeValue(forKey: $0) != nil }
    let read = try decodeJSON(
      TrainingConfig.self, from: String(decoding: JSONSerialization.data(withJSONObject: json), as: UTF8.self)
    )
    return (present, read)
  }
}

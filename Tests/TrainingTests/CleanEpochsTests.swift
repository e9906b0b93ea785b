import DigitsData
import DigitsNN
import DigitsReport
import DigitsTraining
import Foundation
import Testing

/// `cleanEpochs`: an augmented run whose last epochs see the images as they are. On ResumeTests'
/// small real run (3 epochs of 3 steps): the augmented epochs match the fully augmented run step
/// for step, and a run that is clean throughout is the unaugmented run, weights and all.
@Suite(.tags(.slow), .skippedWhenFast) struct CleanEpochsTests {
  static func config(augment: Bool, cleanEpochs: Int) -> TrainingConfig {
    var config = ResumeTests.config()
    config.augment = augment
    config.cleanEpochs = cleanEpochs
    return config
  }

  /// steps.csv's rows, the header dropped.
  static func steps(_ folder: RunFolder) throws -> [Substring] {
    Array(try String(contentsOfFile: folder.steps, encoding: .utf8).split(separator: "\n").dropFirst())
  }

  @Test func lastEpochsTrainOnTheImagesAsTheyAre() throws {
    let folders = (0..<4).map { _ in ResumeTests.temporaryFolder() }
    defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder.path) } }
    let (augmented, cleanLast, cleanThroughout, plain) = (folders[0], folders[1], folders[2], folders[3])
    _ = try ResumeTests.train(Self.config(augment: true, cleanEpochs: 0), augmented)
    _ = try ResumeTests.train(Self.config(augment: true, cleanEpochs: 1), cleanLast)
    _ = try ResumeTests.train(Self.config(augment: true, cleanEpochs: 3), cleanThroughout)
    _ = try ResumeTests.train(Self.config(augment: false, cleanEpochs: 0), plain)

    let (stepsAugmented, stepsCleanLast) = (try Self.steps(augmented), try Self.steps(cleanLast))
    #expect(stepsAugmented.count == 9 && stepsCleanLast.count == 9)
    #expect(stepsCleanLast.prefix(6) == stepsAugmented.prefix(6))
    #expect(stepsCleanLast.suffix(3) != stepsAugmented.suffix(3))
    #expect(try Self.steps(cleanThroughout) == Self.steps(plain))
    #expect(
      try SafeTensorsFile.read(path: cleanThroughout.best).floats("fc.weight")
        == SafeTensorsFile.read(path: plain.best).floats("fc.weight"))
  }

  @Test func cleanEpochsArePartOfTheRecipe() throws {
    var config = TrainingConfig(protocol: .improved, threads: 1)
    config.epochs = 10
    config.cleanEpochs = 1
    #expect(config.augmentation(epoch: 9) == config.augmentation && config.augmentation != nil)
    #expect(config.augmentation(epoch: 10) == nil)
    #expect(config.recipeChanges.map(\.description) == ["last epoch unaugmented"])
    #expect(config.ablatedIngredient == nil && config.recipeSummary.contains("last epoch unaugmented"))
    #expect(try decodeJSON(TrainingConfig.self, from: encodeJSON(config)) == config)
    #expect(!config.isResumable(from: TrainingConfig(protocol: .improved, threads: 1)))
  }
}

import DigitsModels
import DigitsTraining
import Foundation
import Testing

/// The improved recipe differs by stem: without the max-pool it is the best group of the sweep.
@Suite struct StemRecipeTests {
  @Test func theStemWithoutMaxPoolChangesOnlyWhatItsSweepFound() throws {
    let standard = TrainingConfig(protocol: .improved, threads: 1)
    let tuned = TrainingConfig(protocol: .improved, stem: .nomaxpool, threads: 1)
    #expect(tuned.stem == .nomaxpool && tuned.recipeChanges.isEmpty)
    #expect(tuned.batchSize == 64 && tuned.zeroInitResidual && tuned.cycleMomentum && tuned.elastic == 0)
    #expect(tuned.weightDecay == 0.05 && tuned.ttaRotation == 8 && tuned.ttaScale == 1.1)
    var rest = tuned
    (rest.stem, rest.batchSize, rest.zeroInitResidual, rest.cycleMomentum) = (.standard, 128, false, false)
    (rest.elastic, rest.weightDecay, rest.ttaRotation, rest.ttaScale) = (36, 5e-4, 0, 1)
    #expect(rest == standard)
    // The paper's protocol is the published one, whatever the stem.
    var paper = TrainingConfig(protocol: .paper, stem: .nomaxpool, threads: 1)
    paper.stem = .standard
    #expect(paper == TrainingConfig(protocol: .paper, threads: 1))
    #expect(tuned.recipeSummary.contains("(onecycle, momentum cycled)"))
    #expect(!standard.recipeSummary.contains("momentum"))
  }

  /// A run of the earlier recipe on this stem (results/runs/improved/resnet18-nomaxpool) departs
  /// from today's in each setting the sweep changed.
  @Test func anEarlierRunOnTheStemDepartsFromTodaysRecipe() {
    var earlier = TrainingConfig(protocol: .improved, threads: 1)
    (earlier.model, earlier.stem) = (.resnet18, .nomaxpool)
    #expect(
      earlier.recipeChanges.map(\.description) == [
        "momentum fixed", "weight decay 0.0005", "elastic 36.0", "TTA shifts only", "no zero-init residual",
        "batch 128",
      ])
    #expect(earlier.groupLabel.hasPrefix("improved resnet18 nomaxpool (momentum fixed,"))
  }

  /// A config.json written before a setting existed keeps the paper protocol's value (what every
  /// run then had), not the value today's recipe for its protocol and stem would give.
  @Test func anOlderConfigOnTheStemKeepsThePaperValues() throws {
    let tuned = TrainingConfig(protocol: .improved, stem: .nomaxpool, threads: 1)
    let older = try RecipeTests.read(
      without: ["zero_init_residual", "cycle_momentum", "tta_rotation", "tta_scale"], tuned)
    #expect(older.present)
    let paper = TrainingConfig(threads: 1)
    #expect(older.config.zeroInitResidual == paper.zeroInitResidual)
    #expect(older.config.cycleMomentum == paper.cycleMomentum)
    #expect(older.config.ttaRotation == paper.ttaRotation && older.config.ttaScale == paper.ttaScale)
    #expect(older.config.batchSize == tuned.batchSize && older.config.stem == .nomaxpool)
    #expect(!older.config.isResumable(from: tuned))
  }
}

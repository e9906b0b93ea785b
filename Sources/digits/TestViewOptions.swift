import ArgumentParser
import DigitsKit

/// `--tta-rotation` and `--tta-scale`: what `train` and `evaluate` add to TTA's shifted views.
/// Unset, `evaluate` adds nothing and `train` takes the recipe's.
struct TestViewOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "With TTA, also average each image rotated by +degrees and -degrees (0: the shifts only). Default: 0; train: the protocol's (\(RecipeSetting.ttaRotation.defaults)).",
      valueName: "degrees"))
  var ttaRotation: Float?
  @Option(
    help: ArgumentHelp(
      "With TTA, enlarge every view by this factor about the image's centre, in [0.5, 2] (1: as it is). Default: 1; train: the protocol's (\(RecipeSetting.ttaScale.defaults)).",
      discussion:
        "A model trained on randomly rescaled digits can read enlarged digits better than the originals: compare factors with `digits evaluate --split validation`, not on the test set.",
      valueName: "factor"))
  var ttaScale: Float?

  /// The views asked for, each unset one as `config` has it.
  func views(over config: TrainingConfig) -> (rotation: Float, scale: Float) {
    (ttaRotation ?? config.ttaRotation, ttaScale ?? config.ttaScale)
  }

  /// Each given value is in range, and changes views only where TTA (which `enabling` turns on)
  /// is on.
  func check(tta: Bool, enabling: String) throws {
    if let ttaRotation {
      if !(ttaRotation >= 0 && ttaRotation <= 45) {
        throw InputProblem("--tta-rotation must be in [0, 45] degrees, got \(ttaRotation)")
      }
      if ttaRotation > 0 && !tta { throw InputProblem("--tta-rotation adds views to TTA's; add \(enabling)") }
    }
    if let ttaScale {
      if !(ttaScale >= 0.5 && ttaScale <= 2) {
        throw InputProblem("--tta-scale must be in [0.5, 2], got \(ttaScale)")
      }
      if ttaScale != 1 && !tta { throw InputProblem("--tta-scale changes TTA's views; add \(enabling)") }
    }
  }
}

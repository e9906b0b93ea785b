import ArgumentParser

/// `--tta-rotation` and `--tta-scale`: what `train` and `evaluate` add to TTA's shifted views.
struct TestViewOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "With TTA, also average each image rotated by +degrees and -degrees (0: the shifts only).",
      valueName: "degrees"))
  var ttaRotation: Float = 0
  @Option(
    help: ArgumentHelp(
      "With TTA, enlarge every view by this factor about the image's centre, in [0.5, 2] (1: as it is).",
      discussion:
        "A model trained on randomly rescaled digits can read enlarged digits better than the originals: compare factors with `digits evaluate --split validation`, not on the test set.",
      valueName: "factor"))
  var ttaScale: Float = 1

  /// Each is in range, and changes views only where TTA (which `enabling` turns on) is on.
  func check(tta: Bool, enabling: String) throws {
    if !(ttaRotation >= 0 && ttaRotation <= 45) {
      throw InputProblem("--tta-rotation must be in [0, 45] degrees, got \(ttaRotation)")
    }
    if !(ttaScale >= 0.5 && ttaScale <= 2) {
      throw InputProblem("--tta-scale must be in [0.5, 2], got \(ttaScale)")
    }
    if ttaRotation > 0 && !tta {
      throw InputProblem("--tta-rotation adds views to TTA's; add \(enabling)")
    }
    if ttaScale != 1 && !tta {
      throw InputProblem("--tta-scale changes TTA's views; add \(enabling)")
    }
  }
}

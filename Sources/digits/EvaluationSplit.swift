import ArgumentParser
import DigitsKit
import Foundation

/// Which labelled images `digits evaluate` scores.
enum EvaluationSplit: String, CaseIterable, ExpressibleByArgument {
  /// MNIST's 10,000 test images.
  case test
  /// The training images a `digits train` run held out for validation.
  case validation
}

/// `--split`, and the `--seed` and `--val-ratio` that name a training run's validation images.
struct SplitOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The images to score: test (MNIST's 10,000 test images) or validation (the training images that `digits train --seed S --val-ratio R` held out; they were not trained on).",
      valueName: "split"))
  var split: EvaluationSplit = .test
  @Option(help: "With --split validation: the training run's --seed (default 0).")
  var seed: UInt64?
  @Option(help: "With --split validation: the training run's --val-ratio, in (0, 1) (default 0.3).")
  var valRatio: Double?

  func validate() throws {
    if split == .test && (seed != nil || valRatio != nil) {
      throw InputProblem("--seed and --val-ratio choose a validation split; add --split validation")
    }
    if let valRatio, !(valRatio > 0 && valRatio < 1) {
      throw InputProblem("--val-ratio must be in (0, 1) for --split validation, got \(valRatio)")
    }
  }

  /// The chosen images of `mnist`, and how to name them ("10,000 test images").
  func images(of mnist: MNIST) throws -> (images: LabeledImages, description: String) {
    guard split == .validation else {
      return (mnist.test, "\(mnist.test.count.formatted()) test images")
    }
    let (seed, ratio) = (seed ?? 0, valRatio ?? 0.3)
    let held = try DataSplit.make(count: mnist.train.count, validationRatio: ratio, seed: seed)
      .validationIndices
    return (
      mnist.train.subset(held),
      "\(held.count.formatted()) validation images (the split of --seed \(seed) --val-ratio \(ratio))"
    )
  }
}

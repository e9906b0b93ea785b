import DigitsData

/// The images a run learns from and is measured on. `train` is split, with the run's seed, into
/// training and validation images (`TrainingConfig.validationRatio`); `test`, when given, is
/// measured once at the end with the best weights. `MNIST.load` is one way to make it.
public struct TrainingData: Sendable {
  public var train: LabeledImages
  public var test: LabeledImages?

  public init(train: LabeledImages, test: LabeledImages?) {
    self.train = train
    self.test = test
  }

  /// MNIST's (or a data set in its layout) training and test sets.
  public init(_ mnist: MNIST) {
    self.init(train: mnist.train, test: mnist.test)
  }

  /// Classes the model needs: MNIST's ten, or more when the labels go higher.
  var classes: Int {
    max(Int(train.labels.max() ?? 0) + 1, Int(test?.labels.max() ?? 0) + 1, MNIST.classes)
  }
}

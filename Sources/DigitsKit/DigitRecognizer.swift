/// A trained model, loaded once, that reads handwritten digits as `digits predict` does: each
/// image is made grayscale, inverted when its border is light, cropped to the ink, scaled into
/// 20x20 and centred by its centre of mass in 28x28, then normalised as the checkpoint says.
/// Not thread-safe (the layers keep their activations): give each thread its own.
///
///     let recognizer = try DigitRecognizer(checkpoint: "runs/digits/best.safetensors")
///     let prediction = try recognizer.classify(imageFile: "three.png")
///     print(prediction.digit, prediction.probabilities)
public final class DigitRecognizer {
  public let classifier: Classifier
  /// Workers for OpenBLAS and the element-wise kernels during each call.
  public let threads: Int
  private let predictor: Predictor

  /// Reads a checkpoint written by `digits train` or by PyTorch (a torchvision ResNet
  /// state_dict in safetensors); throws an error naming the file when it is not one.
  public convenience init(checkpoint path: String, threads: Int = Workers.available, batchSize: Int = 256)
    throws
  {
    try OpenBLAS.require()
    self.init(classifier: try Classifier.load(path: path), threads: threads, batchSize: batchSize)
  }

  /// Uses a model already in memory, e.g. `TrainingOutcome.classifier`.
  public init(classifier: Classifier, threads: Int = Workers.available, batchSize: Int = 256) {
    self.classifier = classifier
    self.threads = max(1, threads)
    predictor = Predictor(classifier: classifier, batchSize: max(1, batchSize))
  }

  /// Classifies a PNG, JPEG or PGM file holding one digit; throws `ImageError` naming the file
  /// when it cannot be read or decoded.
  public func classify(imageFile path: String) throws -> Prediction {
    try classify(mnistImages: [DigitImage(contentsOfFile: path).mnistPixels()], names: [path])[0]
  }

  /// Classifies the bytes of a PNG, JPEG or PGM image; `name` labels the prediction and errors.
  public func classify(encoded bytes: [UInt8], name: String = "image") throws -> Prediction {
    try classify(mnistImages: [DigitImage(encoded: bytes, name: name).mnistPixels()], names: [name])[0]
  }

  /// Classifies images already in MNIST's form: 28x28 bytes each, white ink on black, row by
  /// row (`DigitImage.mnistPixels()` makes them from any image). `names` label the predictions.
  public func classify(mnistImages: [[UInt8]], names: [String]? = nil) -> [Prediction] {
    let rows = Workers.run(threads) { predictor.probabilities(mnistImages, side: DigitImage.mnistSide) }
    return rows.enumerated().map { index, row in
      Prediction(file: names?[index] ?? "image \(index)", probabilities: row)
    }
  }

  /// Accuracy, macro precision, recall and F1, per-class values and the confusion matrix on a
  /// labelled set (e.g. `MNIST.load(...).test`); with `testTimeAugmentation`, of the mean
  /// probabilities over `TestTimeAugmentation.views(rotation: ttaRotation, scale: ttaScale)` of
  /// each image.
  public func evaluate(
    on data: LabeledImages, testTimeAugmentation: Bool = false, ttaRotation: Float = 0, ttaScale: Float = 1
  ) throws -> EvaluationReport {
    try Self.evaluate(
      [classifier], on: data, threads: threads, batchSize: predictor.batchSize,
      testTimeAugmentation: testTimeAugmentation, ttaRotation: ttaRotation, ttaScale: ttaScale)
  }

  /// The metrics of an ensemble: the mean of the members' probabilities (each member normalising
  /// the images as it was trained). One member is that member's own evaluation.
  public static func evaluate(
    _ members: [Classifier], on data: LabeledImages, threads: Int = Workers.available, batchSize: Int = 256,
    testTimeAugmentation: Bool = false, ttaRotation: Float = 0, ttaScale: Float = 1
  ) throws -> EvaluationReport {
    let name =
      members.count == 1
      ? members[0].name : "ensemble of \(members.count) (\(members.map(\.name).joined(separator: ", ")))"
    return try Workers.run(threads) {
      try Evaluator(
        batchSize: batchSize, testTimeAugmentation: testTimeAugmentation, ttaRotation: ttaRotation,
        ttaScale: ttaScale
      )
      .ensembleReport(members, on: data, name: name).report
    }
  }
}

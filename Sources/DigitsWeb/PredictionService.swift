import DigitsImaging
import DigitsTraining

/// The model behind the API. Decoding and preprocessing run on the caller's task; the forward
/// pass runs on this actor, one image at a time, because the layers keep their activations.
actor PredictionService {
  private let predictor: Predictor
  nonisolated let modelName: String

  init(classifier: Classifier) {
    predictor = Predictor(classifier: classifier, batchSize: 1)
    modelName = classifier.name
  }

  /// Throws `ImageError` for bytes that are not a decodable PNG, JPEG or PGM image.
  nonisolated func predict(encoded bytes: [UInt8], name: String) async throws -> Prediction {
    let pixels = try DigitImage(encoded: bytes, name: name).mnistPixels()
    return await classify(pixels, name: name)
  }

  private func classify(_ pixels: [UInt8], name: String) -> Prediction {
    let probabilities = predictor.probabilities([pixels], side: DigitImage.mnistSide)[0]
    return Prediction(file: name, probabilities: probabilities)
  }
}

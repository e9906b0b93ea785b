import DigitsKit

/// The model behind the API. Decoding and preprocessing run on the caller's task; the forward
/// pass runs on this actor, one image at a time, because the layers keep their activations.
actor PredictionService {
  private let recognizer: DigitRecognizer
  nonisolated let modelName: String

  init(recognizer: DigitRecognizer) {
    self.recognizer = recognizer
    modelName = recognizer.classifier.name
  }

  /// Throws `ImageError` for bytes that are not a decodable PNG, JPEG or PGM image.
  nonisolated func predict(encoded bytes: [UInt8], name: String) async throws -> Prediction {
    let pixels = try DigitImage(encoded: bytes, name: name).mnistPixels()
    return await classify(pixels, name: name)
  }

  private func classify(_ pixels: [UInt8], name: String) -> Prediction {
    recognizer.classify(mnistImages: [pixels], names: [name])[0]
  }
}

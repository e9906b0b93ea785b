import DigitsKit

/// The model behind the API, batching the requests that wait for it. Decoding and preprocessing
/// run on the caller's task; forward passes run on this actor (a model runs one pass at a time:
/// its layers keep their activations). A request that finds the model idle runs at once, alone,
/// so a lone client waits for nothing; requests that arrive while a pass runs queue up, and the
/// next pass takes all of them (up to `maximumBatch`) together, as serving systems batch what
/// arrives within a few milliseconds. Under load the passes grow, and each image costs less.
actor PredictionService {
  /// The most images one forward pass takes.
  static let maximumBatch = 64

  private struct Waiting {
    let pixels: [UInt8]
    let name: String
    let answer: CheckedContinuation<Prediction, Never>
  }

  private let recognizer: DigitRecognizer
  nonisolated let modelName: String
  private var waiting: [Waiting] = []
  private var draining = false

  init(recognizer: DigitRecognizer) {
    self.recognizer = recognizer
    modelName = recognizer.classifier.name
  }

  /// Throws `ImageError` for bytes that are not a decodable PNG, JPEG or PGM image.
  nonisolated func predict(encoded bytes: [UInt8], name: String) async throws -> Prediction {
    let pixels = try DigitImage(encoded: bytes, name: name).mnistPixels()
    return await classify(pixels, name: name)
  }

  private func classify(_ pixels: [UInt8], name: String) async -> Prediction {
    await withCheckedContinuation { answer in
      waiting.append(Waiting(pixels: pixels, name: name, answer: answer))
      if !draining {
        draining = true
        // A job behind the requests already queued at this actor, so they join the first pass.
        Task { self.drain() }
      }
    }
  }

  /// Runs passes until no request waits.
  private func drain() {
    while !waiting.isEmpty {
      let batch = Array(waiting.prefix(Self.maximumBatch))
      waiting.removeFirst(batch.count)
      let predictions = recognizer.classify(mnistImages: batch.map(\.pixels), names: batch.map(\.name))
      for (request, prediction) in zip(batch, predictions) { request.answer.resume(returning: prediction) }
    }
    draining = false
  }
}

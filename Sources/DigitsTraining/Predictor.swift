import DigitsData
import DigitsModels
import DigitsNN

/// Class probabilities of a classifier for preprocessed images (8-bit, white ink on black, as
/// MNIST and `DigitImage.mnistPixels()` are), in eval mode and fixed-size batches, normalised as
/// the checkpoint says its model was trained. Not thread-safe: the layers keep their activations.
public final class Predictor {
  public let classifier: Classifier
  public let batchSize: Int
  private let context = ExecutionContext.inference()
  /// Its softmax is the one training uses; the loss itself, on dummy labels, is ignored.
  private let loss = CrossEntropyLoss()
  private let images = Tensor()
  private let labels: [Int32]
  private let normalized: [Float]

  public init(classifier: Classifier, batchSize: Int = 256) {
    precondition(batchSize > 0, "batch size \(batchSize)")
    self.classifier = classifier
    self.batchSize = batchSize
    labels = [Int32](repeating: 0, count: batchSize)
    normalized = classifier.normalization.lookupTable
  }

  /// One row of `classes` probabilities per image; every image is `side` x `side` pixels.
  public func probabilities(_ pixels: [[UInt8]], side: Int = 28) -> [[Float]] {
    var rows: [[Float]] = []
    rows.reserveCapacity(pixels.count)
    for start in stride(from: 0, to: pixels.count, by: batchSize) {
      let batch = pixels[start..<min(start + batchSize, pixels.count)]
      images.resize(batch: batch.count, height: side, width: side, channels: 1)
      for (n, image) in batch.enumerated() {
        precondition(
          image.count == side * side, "image \(start + n) has \(image.count) pixels, not \(side * side)")
        let target = images.data + n * side * side
        for (i, pixel) in image.enumerated() { target[i] = normalized[Int(pixel)] }
      }
      let logits = classifier.model.forward(images, context: context)
      _ = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
      let classes = loss.probabilities.channels
      for n in 0..<batch.count {
        rows.append(Array(UnsafeBufferPointer(start: loss.probabilities.data + n * classes, count: classes)))
      }
    }
    return rows
  }
}

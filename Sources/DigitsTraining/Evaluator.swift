import DigitsData
import DigitsModels
import DigitsNN

/// Mean loss, predictions and probabilities of a model over a set of images, in eval mode
/// (BatchNorm with running statistics), in fixed-size batches with reused buffers.
public final class Evaluator {
  public struct Result {
    public var loss: Float
    public var labels: [Int]
    public var predictions: [Int]
    /// [count, classes] softmax outputs, row per image, in iteration order.
    public var probabilities: [Float]
    public var accuracy: Float {
      labels.isEmpty ? 0 : Float(zip(labels, predictions).filter { $0 == $1 }.count) / Float(labels.count)
    }
  }

  public let batchSize: Int
  private let context = ExecutionContext.inference()
  private let loss = CrossEntropyLoss()
  private let images = Tensor()
  private var labels: [Int32]

  /// `batchSize` images per forward pass.
  public init(batchSize: Int = 256) {
    self.batchSize = batchSize
    labels = [Int32](repeating: 0, count: batchSize)
  }

  public func evaluate(
    _ model: ResNet, data: LabeledImages, indices: [Int]? = nil, normalization: Normalization,
    keepProbabilities: Bool = false
  ) throws -> Result {
    var batches = try BatchIterator(
      data: data, indices: indices, batchSize: batchSize, normalization: normalization, shuffle: false,
      seed: 0)
    batches.startEpoch()
    images.resize(batch: batchSize, height: data.rows, width: data.cols, channels: 1)
    var result = Result(loss: 0, labels: [], predictions: [], probabilities: [])
    var lossSum = 0.0
    while true {
      let count = labels.withUnsafeMutableBufferPointer {
        batches.next(into: images.data, labels: $0.baseAddress!)
      }
      if count == 0 { break }
      images.resize(batch: count, height: data.rows, width: data.cols, channels: 1)
      let logits = model.forward(images, context: context)
      let batchLoss = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
      lossSum += Double(batchLoss) * Double(count)
      let probabilities = loss.probabilities
      let classes = probabilities.channels
      for n in 0..<count {
        let row = probabilities.data + n * classes
        var best = 0
        for k in 1..<classes where row[k] > row[best] { best = k }
        result.predictions.append(best)
        result.labels.append(Int(labels[n]))
        if keepProbabilities {
          result.probabilities.append(contentsOf: UnsafeBufferPointer(start: row, count: classes))
        }
      }
    }
    result.loss = result.labels.isEmpty ? 0 : Float(lossSum / Double(result.labels.count))
    return result
  }

  /// Accuracy, macro precision, recall and F1, the per-class values and the confusion matrix of
  /// `classifier` on `data`, normalised as the classifier was trained.
  public func report(_ classifier: Classifier, on data: LabeledImages) throws -> EvaluationReport {
    let result = try evaluate(classifier.model, data: data, normalization: classifier.normalization)
    let metrics = ClassificationMetrics(
      labels: result.labels, predictions: result.predictions, classes: classifier.model.classes)
    return EvaluationReport(model: classifier.name, metrics: metrics)
  }
}

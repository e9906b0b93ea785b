import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// Mean loss, predictions and probabilities of a model over a set of images, in eval mode
/// (BatchNorm with running statistics), in fixed-size batches with reused buffers; optionally
/// averaging the probabilities of `TestTimeAugmentation.views` of each image.
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
  /// Whether each image's probabilities are the mean over its views (the loss is then
  /// the mean of -log of that mean at the true class).
  public let testTimeAugmentation: Bool
  /// With `testTimeAugmentation`, the degrees of two rotated views added to the shifts; 0: none.
  public let ttaRotation: Float
  /// With `testTimeAugmentation`, the factor every view is enlarged by; 1: none.
  public let ttaScale: Float
  /// Data-parallel evaluation: each process runs a contiguous run of whole batches and every
  /// process receives all the results, so they equal one process's exactly (the same batches,
  /// the loss summed in the same order).
  public let communicator: any Communicator
  private let context = ExecutionContext.inference()
  /// When set, the forward passes time each layer into it (`digits bench --profile`).
  public var profile: OperationProfile? {
    get { context.profile }
    set { context.profile = newValue }
  }
  private let loss = CrossEntropyLoss()
  private let images = Tensor()
  private let warped = Tensor()
  private var labels: [Int32]
  private var meanProbabilities: [Float] = []
  /// `TestTimeAugmentation.views(rotation: ttaRotation, scale: ttaScale)`, made once.
  private let views: [AffineDistortion]

  /// `batchSize` images per forward pass.
  public init(
    batchSize: Int = 256, testTimeAugmentation: Bool = false, ttaRotation: Float = 0, ttaScale: Float = 1,
    communicator: any Communicator = SingleProcess()
  ) {
    self.batchSize = batchSize
    self.testTimeAugmentation = testTimeAugmentation
    self.ttaRotation = ttaRotation
    self.ttaScale = ttaScale
    views = TestTimeAugmentation.views(rotation: ttaRotation, scale: ttaScale)
    self.communicator = communicator
    labels = [Int32](repeating: 0, count: batchSize)
  }

  public func evaluate(
    _ model: ResNet, data: LabeledImages, indices: [Int]? = nil, normalization: Normalization,
    keepProbabilities: Bool = false
  ) throws -> Result {
    try OpenBLAS.require()
    let all = indices ?? Array(0..<data.count)
    guard communicator.size > 1 else {
      return try evaluateBatches(
        model, data: data, indices: all, normalization: normalization, keepProbabilities: keepProbabilities
      ).result
    }
    let batchCount = (all.count + batchSize - 1) / batchSize
    let mine = Shard(index: communicator.rank, count: communicator.size).slots(of: batchCount)
    let part = try evaluateBatches(
      model, data: data,
      indices: Array(
        all[min(mine.lowerBound * batchSize, all.count)..<min(mine.upperBound * batchSize, all.count)]),
      normalization: normalization, keepProbabilities: keepProbabilities)
    return Partial.joined(communicator.allGather(part.encoded))
  }

  /// This process's batches of `indices`, in order.
  private func evaluateBatches(
    _ model: ResNet, data: LabeledImages, indices: [Int], normalization: Normalization,
    keepProbabilities: Bool
  ) throws -> Partial {
    var batches = try BatchIterator(
      data: data, indices: indices, batchSize: batchSize, normalization: normalization, shuffle: false,
      seed: 0)
    batches.startEpoch()
    images.resize(batch: batchSize, height: data.rows, width: data.cols, channels: 1)
    var result = Partial()
    while true {
      let count = labels.withUnsafeMutableBufferPointer {
        batches.next(into: images.data, labels: $0.baseAddress!)
      }
      if count == 0 { break }
      images.resize(batch: count, height: data.rows, width: data.cols, channels: 1)
      let (probabilities, classes, batchLoss) =
        testTimeAugmentation
        ? averagedOverViews(model, count: count, background: normalization.lookupTable[0])
        : single(model)
      result.batchLosses.append(batchLoss)
      result.batchSizes.append(count)
      for n in 0..<count {
        let row = probabilities + n * classes
        var best = 0
        for k in 1..<classes where row[k] > row[best] { best = k }
        result.predictions.append(best)
        result.labels.append(Int(labels[n]))
        if keepProbabilities {
          result.probabilities.append(contentsOf: UnsafeBufferPointer(start: row, count: classes))
        }
      }
    }
    return result
  }

  /// One process's share of an evaluation: each batch's mean loss and size, and per image.
  private struct Partial {
    var batchLosses: [Float] = []
    var batchSizes: [Int] = []
    var labels: [Int] = []
    var predictions: [Int] = []
    var probabilities: [Float] = []

    /// The batches' loss summed in order, as one process sums it.
    var result: Result {
      var lossSum = 0.0
      for (loss, size) in zip(batchLosses, batchSizes) { lossSum += Double(loss) * Double(size) }
      return Result(
        loss: labels.isEmpty ? 0 : Float(lossSum / Double(labels.count)), labels: labels,
        predictions: predictions, probabilities: probabilities)
    }

    /// [batches, images, losses, sizes, labels, predictions, probabilities] (counts and classes
    /// are exact in a Float below 2²⁴).
    var encoded: [Float] {
      [Float(batchLosses.count), Float(labels.count)] + batchLosses + batchSizes.map(Float.init)
        + labels.map(Float.init) + predictions.map(Float.init) + probabilities
    }

    /// The processes' parts, in rank order, as one result.
    static func joined(_ parts: [[Float]]) -> Result {
      var whole = Partial()
      for part in parts {
        let (batches, images) = (Int(part[0]), Int(part[1]))
        var rest = part[2...]
        func take(_ n: Int) -> ArraySlice<Float> {
          defer { rest = rest.dropFirst(n) }
          return rest.prefix(n)
        }
        whole.batchLosses += take(batches)
        whole.batchSizes += take(batches).map { Int($0) }
        whole.labels += take(images).map { Int($0) }
        whole.predictions += take(images).map { Int($0) }
        whole.probabilities += rest
      }
      return whole.result
    }
  }

  /// The batch in `images` as it is: softmax rows, classes and the mean cross-entropy.
  private func single(_ model: ResNet) -> (UnsafePointer<Float>, Int, Float) {
    let logits = model.forward(images, context: context)
    let batchLoss = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
    return (UnsafePointer(loss.probabilities.data), loss.probabilities.channels, batchLoss)
  }

  /// The batch in `images` over every view: the mean softmax rows, classes and the mean of
  /// -log(mean probability of the true class).
  private func averagedOverViews(_ model: ResNet, count: Int, background: Float) -> (
    UnsafePointer<Float>, Int, Float
  ) {
    warped.resize(like: images)
    for (view, distortion) in views.enumerated() {
      TestTimeAugmentation.apply(
        distortion, to: images.data, count: count, rows: images.height, cols: images.width,
        background: background, into: warped.data)
      let logits = model.forward(warped, context: context)
      _ = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
      let total = count * loss.probabilities.channels
      if view == 0 {
        meanProbabilities.removeAll(keepingCapacity: true)
        meanProbabilities.append(contentsOf: repeatElement(0, count: total))
      }
      for i in 0..<total { meanProbabilities[i] += loss.probabilities.data[i] / Float(views.count) }
    }
    let classes = meanProbabilities.count / count
    var lossSum: Float = 0
    for n in 0..<count {
      let truth = meanProbabilities[n * classes + Int(labels[n])]
      lossSum -= Foundation.log(max(truth, Float.leastNormalMagnitude))
    }
    return meanProbabilities.withUnsafeBufferPointer { ($0.baseAddress!, classes, lossSum / Float(count)) }
  }

  /// Accuracy, macro precision, recall and F1, the per-class values and the confusion matrix of
  /// `classifier` on `data`, normalised as the classifier was trained.
  public func report(_ classifier: Classifier, on data: LabeledImages) throws -> EvaluationReport {
    try ensembleReport([classifier], on: data, name: classifier.name).report
  }

  /// The metrics of the mean of the members' probabilities (each member normalising the images
  /// as it was trained), with those mean probabilities ([count, classes], row per image).
  public func ensembleReport(_ members: [Classifier], on data: LabeledImages, name: String) throws -> (
    report: EvaluationReport, probabilities: [Float]
  ) {
    precondition(!members.isEmpty, "an ensemble needs a member")
    let outputs = try members.map { try probabilities(of: $0, on: data) }
    return try Self.ensembleReport(
      outputs, names: members.map(\.name), classes: members.map(\.model.classes).max()!, name: name)
  }

  /// One classifier's probabilities on `data` ([count, classes], row per image, normalised as it
  /// was trained) and the labels: what an ensemble averages, kept apart so that a model in
  /// several ensembles is evaluated once.
  public func probabilities(of member: Classifier, on data: LabeledImages) throws -> (
    labels: [Int], probabilities: [Float]
  ) {
    let result = try evaluate(
      member.model, data: data, normalization: member.normalization, keepProbabilities: true)
    return (result.labels, result.probabilities)
  }

  /// The metrics of the mean of the members' probabilities (`probabilities(of:on:)`, in member
  /// order; `names` name them in errors), with those mean probabilities.
  public static func ensembleReport(
    _ outputs: [(labels: [Int], probabilities: [Float])], names: [String], classes: Int, name: String
  ) throws -> (report: EvaluationReport, probabilities: [Float]) {
    precondition(!outputs.isEmpty, "an ensemble needs a member")
    let labels = outputs[0].labels
    var mean = [Float](repeating: 0, count: outputs[0].probabilities.count)
    for (member, output) in outputs.enumerated() {
      guard output.probabilities.count == mean.count else {
        throw TrainingError.cannotRead(
          path: names[member], reason: "its number of classes differs from the other ensemble members'")
      }
      for i in mean.indices { mean[i] += output.probabilities[i] / Float(outputs.count) }
    }
    let width = mean.count / max(labels.count, 1)
    let predictions = labels.indices.map { n -> Int in
      var best = 0
      for k in 1..<width where mean[n * width + k] > mean[n * width + best] { best = k }
      return best
    }
    let metrics = ClassificationMetrics(labels: labels, predictions: predictions, classes: classes)
    return (EvaluationReport(model: name, metrics: metrics), mean)
  }
}

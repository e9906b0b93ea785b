import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// One optimiser step, the only one there is: `Trainer` runs it for every batch and `digits bench`
/// times it. Takes the next batch, runs forward, loss and backward, refuses a non-finite loss or
/// gradient, steps the optimiser, folds the weights into their average (with `--ema`) and counts
/// the correct predictions. Buffers are allocated once; steady-state steps allocate nothing in
/// the engine.
///
/// One process: the optimiser steps each layer inside the backward pass (`LayerwiseUpdate`), from
/// a gradient window one layer large. A non-finite loss stops the step before any weight moves;
/// a non-finite gradient stops it at its layer.
///
/// Data-parallel (a communicator of several processes): each process runs its share of the
/// batch, backpropagates its share of the batch's mean loss (scaled by share / batch), and the
/// gradient arena is summed over the processes in one all-reduce, so every process takes the
/// step one process would take on the whole batch. Without synchronised BatchNorm, rank 0's
/// BatchNorm buffers are broadcast after the step (as DistributedDataParallel does), so the
/// processes never drift apart.
final class TrainingStep {
  struct Outcome {
    var loss: Float
    var images: Int
    var correct: Int
  }

  /// Why a step refused to update the weights; `quantity` is "the loss" or "a gradient".
  struct NotFinite: Error {
    let quantity: String
  }

  let model: ResNet
  let optimizer: any Optimizer
  /// The moving average the step updates, if any.
  let average: WeightAverage?
  let communicator: any Communicator
  let context = ExecutionContext(training: true)
  /// Nil with several processes, whose gradients are all-reduced before the optimiser steps.
  private let layerwise: LayerwiseUpdate?
  private let loss: CrossEntropyLoss
  private let images = Tensor()
  private var labels: [Int32] = []

  /// Gradients are all-reduced in buckets of at least this many floats, each started as soon as
  /// the backward pass has finished the blocks it covers, while the blocks before them still run;
  /// nil: one all-reduce after the whole backward pass.
  let bucketFloats: Int?
  /// Seconds spent after the backward pass finishing the gradient all-reduce (its exposed part).
  private(set) var exposedAllReduceSeconds = 0.0
  /// The start of the gradients not yet handed to a bucket.
  private var unreducedEnd = 0

  init(
    model: ResNet, optimizer: any Optimizer, labelSmoothing: Float, average: WeightAverage? = nil,
    communicator: any Communicator = SingleProcess(), synchronizedBatchNorm: Bool = false,
    bucketFloats: Int? = nil, updatesLayerByLayer: Bool = true
  ) {
    self.model = model
    self.optimizer = optimizer
    self.average = average
    self.communicator = communicator
    self.bucketFloats = communicator.size > 1 ? bucketFloats : nil
    loss = CrossEntropyLoss(labelSmoothing: labelSmoothing)
    if synchronizedBatchNorm && communicator.size > 1 { context.synchronizedBatchNorm = communicator }
    layerwise =
      communicator.size == 1 && updatesLayerByLayer
      ? LayerwiseUpdate(model: model, optimizer: optimizer) : nil
    if let layerwise {
      context.backwardFinished = { [unowned self] layer in
        layerwise.layerFinished(layer) { work, update in measured("optimizer", work: work, update) }
      }
    }
    if let bucket = self.bucketFloats {
      let starts = model.gradientStarts
      context.backwardFinished = { [unowned self] layer in
        guard let start = starts[ObjectIdentifier(layer)] else { return }
        if unreducedEnd - start >= bucket {
          communicator.startAllReduceSum(model.parameters.gradients + start, count: unreducedEnd - start)
          unreducedEnd = start
        } else {
          communicator.progressReductions()
        }
      }
    }
  }

  /// The step on the next batch of `batches`; nil when this epoch has none left.
  func run(_ batches: PrefetchingBatches) throws(NotFinite) -> Outcome? {
    let (rows, cols) = (batches.rows, batches.cols)
    if labels.count < batches.batchSize { labels = [Int32](repeating: 0, count: batches.batchSize) }
    images.resize(batch: batches.batchSize, height: rows, width: cols, channels: 1)
    let count = labels.withUnsafeMutableBufferPointer {
      batches.next(into: images.data, labels: $0.baseAddress!)
    }
    if count == 0 { return nil }
    images.resize(batch: count, height: rows, width: cols, channels: 1)
    model.parameters.zeroGradients()
    let logits = model.forward(images, context: context)
    let localLoss = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
    let localCorrect = (0..<count).reduce(0) { $0 + (loss.predictedClass($1) == Int(labels[$1]) ? 1 : 0) }
    // Every process decides on the batch's loss, so that a non-finite share stops them all.
    let batch =
      communicator.size > 1 ? batchTotals(loss: localLoss, correct: localCorrect, images: count) : nil
    let value = batch?.loss ?? localLoss
    guard value.isFinite else { throw NotFinite(quantity: "the loss") }
    let gradLogits = loss.backward()
    if let batch { scale(gradLogits, by: Float(count) / Float(batch.images)) }
    unreducedEnd = model.parameters.count
    layerwise?.begin()
    _ = model.backward(gradLogits, context: context)
    if let layerwise {
      guard layerwise.isComplete else {
        precondition(layerwise.sawNonFiniteGradient, "a layer with parameters ran backward unseen")
        throw NotFinite(quantity: "a gradient")
      }
    } else {
      try stepOptimizer(summing: batch != nil)
    }
    if batch != nil && context.synchronizedBatchNorm == nil {
      measured("broadcast buffers") {
        communicator.broadcast(model.buffers.values, count: model.buffers.count, root: 0)
      }
    }
    if let average {
      let averaged = model.parameters.count + model.buffers.count
      measured("weight average", work: .floats(3 * averaged, flops: 3 * Double(averaged))) {
        average.update(from: model, step: optimizer.stepCount)
      }
    }
    return Outcome(loss: value, images: batch?.images ?? count, correct: batch?.correct ?? localCorrect)
  }

  /// The optimiser's step over the whole gradient arena, once every process's share is summed into
  /// it (`summing`); refuses a non-finite gradient before any weight moves.
  private func stepOptimizer(summing: Bool) throws(NotFinite) {
    if summing {
      let start = DispatchTime.now().uptimeNanoseconds
      measured("all-reduce") { sumGradients() }
      exposedAllReduceSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    guard model.parameters.gradientsAreFinite else { throw NotFinite(quantity: "a gradient") }
    // Adam and AdamW read the weight, its gradient and both moments and write back three.
    let parameterCount = model.parameters.count
    measured("optimizer", work: .floats(7 * parameterCount, flops: 12 * Double(parameterCount))) {
      optimizer.step()
    }
  }

  /// Runs `body`, timing it under `label` when the step is profiled, and in the roofline's row of
  /// that name too when it says what it moves.
  private func measured(_ label: String, work: OperationWork? = nil, _ body: () -> Void) {
    guard let profile = context.profile else { return body() }
    let elapsed = OperationProfile.clocked(body).seconds
    profile.add(label, seconds: elapsed)
    if let work { profile.add(row: label, direction: "step", seconds: elapsed, work: work, detail: nil) }
  }

  /// The whole batch's mean loss, correct predictions and size, over every process.
  private func batchTotals(loss: Float, correct: Int, images: Int) -> Outcome {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 3) { buffer in
      let totals = buffer.baseAddress!
      (totals[0], totals[1], totals[2]) = (Double(loss) * Double(images), Double(correct), Double(images))
      communicator.allReduceSum(totals, count: 3)
      return Outcome(loss: Float(totals[0] / totals[2]), images: Int(totals[2]), correct: Int(totals[1]))
    }
  }

  /// The gradient arena summed over the processes (each holds its share's contribution): what
  /// the buckets have not covered yet, then waiting for all of them.
  private func sumGradients() {
    guard bucketFloats != nil else {
      communicator.allReduceSum(model.parameters.gradients, count: model.parameters.count)
      return
    }
    if unreducedEnd > 0 { communicator.startAllReduceSum(model.parameters.gradients, count: unreducedEnd) }
    communicator.finishReductions()
  }

  private func scale(_ tensor: Tensor, by factor: Float) {
    for i in 0..<tensor.count { tensor.data[i] *= factor }
  }
}

extension TrainingConfig {
  /// The optimiser this configuration names, over `parameters`.
  func makeOptimizer(_ parameters: ParameterArena) -> any Optimizer {
    switch optimizer {
    case .adam, .adamw:
      return Adam(
        parameters: parameters,
        hyper: AdamHyper(learningRate: learningRate, weightDecay: weightDecay, decoupled: optimizer == .adamw)
      )
    case .sgd:
      return SGD(
        parameters: parameters,
        hyper: SGDHyper(learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay))
    }
  }
}

import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// One optimiser step, the only one there is: `Trainer` runs it for every batch and `digits bench`
/// times it. Takes the next batch, runs forward, loss and backward, refuses a non-finite loss or
/// gradient (before the weights change), steps the optimiser, folds the weights into their
/// average (with `--ema`) and counts the correct predictions.
/// Buffers are allocated once; steady-state steps allocate nothing in the engine.
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
  let context = ExecutionContext(training: true)
  private let loss: CrossEntropyLoss
  private let images = Tensor()
  private var labels: [Int32] = []

  init(model: ResNet, optimizer: any Optimizer, labelSmoothing: Float, average: WeightAverage? = nil) {
    self.model = model
    self.optimizer = optimizer
    self.average = average
    loss = CrossEntropyLoss(labelSmoothing: labelSmoothing)
  }

  /// The step on the next batch of `batches`; nil when this epoch has none left.
  func run(_ batches: inout BatchIterator) throws(NotFinite) -> Outcome? {
    let (rows, cols) = (batches.data.rows, batches.data.cols)
    if labels.count < batches.batchSize { labels = [Int32](repeating: 0, count: batches.batchSize) }
    images.resize(batch: batches.batchSize, height: rows, width: cols, channels: 1)
    let count = labels.withUnsafeMutableBufferPointer {
      batches.next(into: images.data, labels: $0.baseAddress!)
    }
    if count == 0 { return nil }
    images.resize(batch: count, height: rows, width: cols, channels: 1)
    model.parameters.zeroGradients()
    let logits = model.forward(images, context: context)
    let value = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
    guard value.isFinite else { throw NotFinite(quantity: "the loss") }
    _ = model.backward(loss.backward(), context: context)
    guard model.parameters.gradientsAreFinite else { throw NotFinite(quantity: "a gradient") }
    if let profile = context.profile {
      profile.measure("optimizer") { optimizer.step() }
      if let average {
        profile.measure("weight average") { average.update(from: model, step: optimizer.stepCount) }
      }
    } else {
      optimizer.step()
      average?.update(from: model, step: optimizer.stepCount)
    }
    let correct = (0..<count).reduce(0) { $0 + (loss.predictedClass($1) == Int(labels[$1]) ? 1 : 0) }
    return Outcome(loss: value, images: count, correct: correct)
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

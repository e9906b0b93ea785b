import DigitsData
import DigitsModels
import DigitsNN
import Foundation

/// One pass over the training batches: forward, loss, backward, optimiser step.
/// Buffers are allocated once; steady-state steps allocate nothing in the engine.
final class EpochLoop {
  struct Result {
    var loss: Float
    var accuracy: Float
    var losses: [Float]
    var completed: Bool
  }

  private let model: ResNet
  private let optimizer: any Optimizer
  private let loss: CrossEntropyLoss
  private let context = ExecutionContext(training: true)
  private let images = Tensor()
  private var labels: [Int32] = []

  init(model: ResNet, optimizer: any Optimizer, labelSmoothing: Float) {
    self.model = model
    self.optimizer = optimizer
    loss = CrossEntropyLoss(labelSmoothing: labelSmoothing)
  }

  func run(
    _ batches: inout BatchIterator, epoch: Int, firstIteration: Int, observer: (any TrainingObserver)?,
    lastGood: String?
  ) throws -> Result {
    let (rows, cols) = (batches.data.rows, batches.data.cols)
    if labels.count < batches.batchSize { labels = [Int32](repeating: 0, count: batches.batchSize) }
    images.resize(batch: batches.batchSize, height: rows, width: cols, channels: 1)
    batches.startEpoch()
    var losses: [Float] = []
    losses.reserveCapacity(batches.batchesPerEpoch)
    var (lossSum, correct, seen) = (0.0, 0, 0)
    let started = Date()
    while !Trainer.interruptRequested {
      let count = labels.withUnsafeMutableBufferPointer {
        batches.next(into: images.data, labels: $0.baseAddress!)
      }
      if count == 0 { break }
      images.resize(batch: count, height: rows, width: cols, channels: 1)
      model.parameters.zeroGradients()
      let logits = model.forward(images, context: context)
      let value = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
      let step = firstIteration + losses.count + 1
      guard value.isFinite else {
        throw TrainingError.notANumber(quantity: "the loss", step: step, epoch: epoch, lastGood: lastGood)
      }
      _ = model.backward(loss.backward(), context: context)
      // Checked before the step, so a bad gradient never reaches the weights.
      guard model.parameters.gradientsAreFinite else {
        throw TrainingError.notANumber(quantity: "a gradient", step: step, epoch: epoch, lastGood: lastGood)
      }
      optimizer.step()

      losses.append(value)
      lossSum += Double(value) * Double(count)
      correct += countCorrect(count)
      seen += count
      observer?.stepFinished(
        batch: losses.count, batches: batches.batchesPerEpoch, runningLoss: Float(lossSum / Double(seen)),
        runningAccuracy: Float(correct) / Float(seen),
        imagesPerSecond: Double(seen) / max(Date().timeIntervalSince(started), 1e-9))
    }
    return Result(
      loss: Float(lossSum / Double(max(seen, 1))), accuracy: Float(correct) / Float(max(seen, 1)),
      losses: losses,
      completed: losses.count == batches.batchesPerEpoch)
  }

  private func countCorrect(_ count: Int) -> Int {
    (0..<count).reduce(0) { $0 + (loss.predictedClass($1) == Int(labels[$1]) ? 1 : 0) }
  }
}

import DigitsData
import Foundation

/// One pass over the training batches, step after step, until the batches run out or the run
/// is cancelled; each batch is gathered (and distorted) on its own thread during the step before.
/// Each step's loss and learning rate go to the run's event log, if it has one.
struct EpochLoop {
  struct Result {
    var loss: Float
    var accuracy: Float
    var losses: [Float]
    var completed: Bool
    /// Training images per second over the epoch's steps (validation not included).
    var imagesPerSecond: Double
  }

  let step: TrainingStep
  let cancellation: CancellationToken
  /// The learning rate and momentum before each step, by the run's step number (0-based), for
  /// schedules that change them every step (momentum nil: unchanged); nil keeps the epoch's rate.
  let scheduleBeforeStep: ((Int) -> (learningRate: Float, momentum: Float?))?

  func run(
    _ batches: inout BatchIterator, epoch: Int, firstIteration: Int, observer: (any TrainingObserver)?,
    lastGood: String?, events: inout EventLog?
  ) throws -> Result {
    let prefetching = PrefetchingBatches(startingEpochOf: batches)
    defer { batches = prefetching.finish() }
    var losses: [Float] = []
    losses.reserveCapacity(batches.batchesPerEpoch)
    var (lossSum, correct, seen) = (0.0, 0, 0)
    let started = Date()
    while !cancellation.isCancelled {
      if let scheduleBeforeStep {
        let (learningRate, momentum) = scheduleBeforeStep(firstIteration + losses.count)
        step.optimizer.learningRate = learningRate
        if let momentum { step.optimizer.momentum = momentum }
      }
      let outcome: TrainingStep.Outcome?
      do {
        outcome = try step.run(prefetching)
      } catch {
        throw TrainingError.notANumber(
          quantity: error.quantity, step: firstIteration + losses.count + 1, epoch: epoch, lastGood: lastGood)
      }
      guard let outcome else { break }
      losses.append(outcome.loss)
      try events?.step(
        firstIteration + losses.count, loss: outcome.loss, learningRate: step.optimizer.learningRate)
      lossSum += Double(outcome.loss) * Double(outcome.images)
      correct += outcome.correct
      seen += outcome.images
      observer?.stepFinished(
        batch: losses.count, batches: batches.batchesPerEpoch, runningLoss: Float(lossSum / Double(seen)),
        runningAccuracy: Float(correct) / Float(seen),
        imagesPerSecond: Double(seen) / max(Date().timeIntervalSince(started), 1e-9))
    }
    return Result(
      loss: Float(lossSum / Double(max(seen, 1))), accuracy: Float(correct) / Float(max(seen, 1)),
      losses: losses, completed: losses.count == batches.batchesPerEpoch,
      imagesPerSecond: Double(seen) / max(Date().timeIntervalSince(started), 1e-9))
  }
}

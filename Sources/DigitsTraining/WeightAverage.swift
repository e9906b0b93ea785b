import DigitsKernels
import DigitsModels
import DigitsNN

/// An exponential moving average of a model's weights and BatchNorm statistics, kept in a second
/// model of the same shape: after each optimiser step, average = d·average + (1 - d)·model, with
/// d = min(decay, (1 + t) / (10 + t)) at step t so the random initialisation fades within the
/// first epoch (TensorFlow's ExponentialMovingAverage with num_updates). The BatchNorm running
/// statistics are averaged alongside the weights (as timm's ModelEma does), so the average is
/// evaluated with statistics gathered by the weights it averages; the counters are copied.
final class WeightAverage {
  let model: ResNet
  let decay: Float

  init(model: ResNet, decay: Float, copying source: ResNet) {
    self.model = model
    self.decay = decay
    for (mine, theirs) in zip([model.parameters, model.buffers], [source.parameters, source.buffers]) {
      precondition(mine.count == theirs.count, "the average has another shape than its model")
      mine.values.update(from: theirs.values, count: theirs.count)
    }
  }

  /// Folds in `source` after its optimiser step number `step` (1-based).
  func update(from source: ResNet, step: Int) {
    let rate = WeightAverageWarmUp.rate(decay: decay, step: step)
    for (mine, theirs) in zip([model.parameters, model.buffers], [source.parameters, source.buffers]) {
      // One pass over the whole arena, then the counters copied over what it averaged.
      exponentialAverage(mine.values, theirs.values, count: mine.count, decay: rate)
      for slot in mine.slots where slot.layout == .counter {
        (mine.values + slot.offset).update(from: theirs.values + slot.offset, count: slot.count)
      }
    }
  }
}

/// average[i] = decay·average[i] + (1 - decay)·value[i], over the workers.
private func exponentialAverage(
  _ average: UnsafeMutablePointer<Float>, _ value: UnsafePointer<Float>, count: Int, decay: Float
) {
  let keep = 1 - decay
  parallelChunks(count, grain: 1 << 16) { range in
    for i in range { average[i] = decay * average[i] + keep * value[i] }
  }
}

/// The rate of the average at each step: min(decay, (1 + t) / (10 + t)), so a run shorter than
/// `steps(toReach:)` never averages at its decay (at 0.999 that takes 8,990 steps).
public enum WeightAverageWarmUp {
  public static func rate(decay: Float, step: Int) -> Float {
    min(decay, Float(1 + step) / Float(10 + step))
  }

  /// The first step whose rate is `decay`: (1 + t) / (10 + t) ≥ d once t ≥ (10d - 1) / (1 - d).
  public static func steps(toReach decay: Float) -> Int {
    guard decay < 1 else { return .max }
    var step = max(0, Int(((10 * Double(decay) - 1) / (1 - Double(decay))).rounded(.down)))
    while rate(decay: decay, step: step) < decay { step += 1 }
    return step
  }
}

import DigitsKernels
import DigitsModels
import DigitsNN

/// The optimiser step taken layer by layer inside the backward pass: as soon as a layer's
/// parameter gradients are final, they are checked, applied and cleared, so one window as large
/// as the largest layer's parameters replaces the arena-sized gradient block (ResNet50: 94 MB
/// of gradients become 9 MB). It saves memory, not time (see BENCHMARKS.md).
/// Each element's update is the one `Optimizer.step()` would make, so the weights come out the
/// same to the bit.
///
/// A non-finite gradient stops the updates at its layer: the layers after it (which backward
/// has already visited) have moved, and `TrainingStep` reports the step as diverged, which ends
/// the run with the last checkpoint untouched.
final class LayerwiseUpdate {
  private let optimizer: any Optimizer
  private let arena: ParameterArena
  private let ranges: [ObjectIdentifier: Range<Int>]
  private(set) var layersUpdated = 0
  private(set) var sawNonFiniteGradient = false

  /// Shares `model`'s gradient window among its layers: from here on only `LayerwiseUpdate`
  /// steps `optimizer`.
  init(model: ResNet, optimizer: any Optimizer) {
    let layers = model.parameterizedLayers
    self.optimizer = optimizer
    arena = model.parameters
    ranges = Dictionary(uniqueKeysWithValues: layers.map { (ObjectIdentifier($0), $0.parameterRange) })
    arena.shareGradientWindow(among: layers.map(\.parameterRange))
  }

  /// Counts the step that the following `layerFinished` calls apply.
  func begin() {
    optimizer.stepCount += 1
    layersUpdated = 0
    sawNonFiniteGradient = false
  }

  /// Whether every layer with parameters has been updated since `begin()`.
  var isComplete: Bool { layersUpdated == ranges.count && !sawNonFiniteGradient }

  /// Called as `layer` finishes its backward pass; the update's floats moved and FLOPs go to
  /// `measure` (the optimiser's roofline row).
  func layerFinished(_ layer: any Layer, measure: (OperationWork, () -> Void) -> Void) {
    guard let range = ranges[ObjectIdentifier(layer)], !sawNonFiniteGradient else { return }
    let window = arena.gradients
    guard allFinite(window, count: range.count) else {
      sawNonFiniteGradient = true
      return
    }
    // Adam and AdamW read the weight, its gradient and both moments and write back three;
    // clearing the window for the next layer writes one more.
    measure(.floats(8 * range.count, flops: 12 * Double(range.count))) {
      optimizer.update(range, gradients: window)
      window.update(repeating: 0, count: range.count)
    }
    layersUpdated += 1
  }
}

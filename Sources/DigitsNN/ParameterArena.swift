import DigitsKernels

/// Where a tensor's engine layout differs from PyTorch's state_dict layout.
public enum TensorLayout: Equatable, Sendable {
  /// The same bytes in both (linear weights, BN vectors).
  case plain
  /// Conv weight: engine [O, KH, KW, I] (GEMM-ready for NHWC), PyTorch [O, I, KH, KW].
  case convolution
  /// An integer counter (BN num_batches_tracked) kept as a Float, saved as int64.
  /// Float holds every integer exactly up to 2²⁴ steps.
  case counter
}

/// One named tensor inside an arena.
public struct ArenaSlot: Equatable, Sendable {
  public let name: String
  /// PyTorch's shape for this tensor, as its state_dict reports it.
  public let torchShape: [Int]
  public let layout: TensorLayout
  public let offset: Int
  public let count: Int
}

/// All parameters (or all buffers) of a model in one block of memory, with a gradient block
/// of the same shape, so zeroing gradients, the optimiser step and an all-reduce are single
/// loops over flat memory. Layers register slots while they are built; `finalize` allocates.
///
/// With `shareGradientWindow(among:)` the gradient block shrinks to one window as large as the
/// largest group of slots (one layer's), which every group writes in turn: for an optimiser that
/// steps each layer as soon as its gradients are final, the arena-sized gradient block is never
/// all alive at once.
public final class ParameterArena {
  public private(set) var slots: [ArenaSlot] = []
  public private(set) var count = 0
  public private(set) var values = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  /// `gradientCount` floats: every slot's gradient at its offset, or the shared window.
  public private(set) var gradients = UnsafeMutablePointer<Float>.allocate(capacity: 0)
  public private(set) var gradientCount = 0
  public private(set) var isFinalized = false
  /// Whether the slots share one gradient window (`shareGradientWindow(among:)`).
  public private(set) var sharesGradientWindow = false
  /// Where each slot's gradient starts in `gradients`: its offset, or its place in the window.
  private var gradientOffsets: [Int] = []

  public init() {}

  deinit {
    values.deallocate()
    gradients.deallocate()
  }

  /// Reserves a slot; its memory exists once `finalize()` has run.
  public func register(_ name: String, torchShape: [Int], layout: TensorLayout = .plain) -> Parameter {
    precondition(!isFinalized, "register \(name) before the arena is finalized")
    precondition(!slots.contains { $0.name == name }, "duplicate tensor name \(name)")
    let size = torchShape.reduce(1, *)
    slots.append(ArenaSlot(name: name, torchShape: torchShape, layout: layout, offset: count, count: size))
    count += size
    gradientOffsets.append(count - size)
    return Parameter(arena: self, slot: slots.count - 1, offset: count - size, count: size)
  }

  /// Allocates values (zeroed) and gradients (zeroed) for every registered slot.
  public func finalize() {
    guard !isFinalized else { return }
    values.deallocate()
    gradients.deallocate()
    values = .allocate(capacity: count)
    values.initialize(repeating: 0, count: count)
    gradients = .allocate(capacity: count)
    gradients.initialize(repeating: 0, count: count)
    gradientCount = count
    isFinalized = true
  }

  /// From now on the slots of each group (a contiguous range of the arena, e.g. one layer's
  /// weight and bias) write their gradients at the start of one shared window, laid out as in
  /// the arena; every slot must lie in exactly one group. The window starts zeroed.
  public func shareGradientWindow(among groups: [Range<Int>]) {
    precondition(isFinalized, "finalize the arena before sharing its gradients")
    let window = groups.map(\.count).max() ?? 0
    for (index, slot) in slots.enumerated() {
      let owners = groups.filter { $0.contains(slot.offset) && slot.offset + slot.count <= $0.upperBound }
      precondition(owners.count == 1, "\(slot.name) must lie in exactly one gradient group")
      gradientOffsets[index] = slot.offset - owners[0].lowerBound
    }
    gradients.deallocate()
    gradients = .allocate(capacity: window)
    gradients.initialize(repeating: 0, count: window)
    gradientCount = window
    sharesGradientWindow = true
  }

  /// The gradient of slot `index`.
  public func gradient(ofSlot index: Int) -> UnsafeMutablePointer<Float> {
    gradients + gradientOffsets[index]
  }

  public func zeroGradients() {
    gradients.update(repeating: 0, count: gradientCount)
  }

  /// False when a gradient is NaN or ±Inf (one pass over the gradient block).
  public var gradientsAreFinite: Bool { allFinite(gradients, count: gradientCount) }

  public func slot(named name: String) -> ArenaSlot? {
    slots.first { $0.name == name }
  }
}

/// A view of one slot of an arena.
public struct Parameter {
  public unowned let arena: ParameterArena
  /// Its index in `arena.slots`.
  public let slot: Int
  public let offset: Int
  public let count: Int

  public var value: UnsafeMutablePointer<Float> { arena.values + offset }
  public var gradient: UnsafeMutablePointer<Float> { arena.gradient(ofSlot: slot) }

  public func fill(_ value: Float) { self.value.update(repeating: value, count: count) }
}

/// A state_dict key: `prefix.leaf`, or `leaf` at the top level.
public func qualified(_ prefix: String, _ leaf: String) -> String {
  prefix.isEmpty ? leaf : prefix + "." + leaf
}

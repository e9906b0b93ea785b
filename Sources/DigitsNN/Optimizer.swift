import DigitsKernels

/// An optimiser over one flat parameter arena. Its state is a few arena-sized float blocks
/// plus the step count, which is all `--resume` has to save.
public protocol Optimizer: AnyObject {
  var parameters: ParameterArena { get }
  /// Steps taken so far (PyTorch's `state['step']`).
  var stepCount: Int { get set }
  var learningRate: Float { get set }
  /// The momentum coefficient a one-cycle schedule moves: Adam's β1, SGD's momentum.
  var momentum: Float { get set }
  /// Named state blocks, each `parameters.count` floats (e.g. Adam's exp_avg, exp_avg_sq).
  var stateBlocks: [(name: String, values: UnsafeMutablePointer<Float>)] { get }
  /// Applies the update of step `stepCount` to the parameters in `range` (arena offsets), from
  /// `gradients` (`range.count` floats). Every element's update reads only its own state, so
  /// updating the arena range by range takes the same step as one pass over it, to the bit.
  func update(_ range: Range<Int>, gradients: UnsafePointer<Float>)
}

extension Optimizer {
  /// One step over the whole arena, from `parameters.gradients`.
  public func step() {
    precondition(!parameters.sharesGradientWindow, "a shared gradient window is stepped layer by layer")
    stepCount += 1
    update(0..<parameters.count, gradients: parameters.gradients)
  }
}

/// torch.optim.Adam, and AdamW when `hyper.decoupled`.
public final class Adam: Optimizer {
  public let parameters: ParameterArena
  public var hyper: AdamHyper
  public var stepCount = 0
  private let firstMoment: UnsafeMutablePointer<Float>
  private let secondMoment: UnsafeMutablePointer<Float>

  public init(parameters: ParameterArena, hyper: AdamHyper) {
    precondition(parameters.isFinalized, "build the model before its optimiser")
    self.parameters = parameters
    self.hyper = hyper
    firstMoment = .allocate(capacity: parameters.count)
    firstMoment.initialize(repeating: 0, count: parameters.count)
    secondMoment = .allocate(capacity: parameters.count)
    secondMoment.initialize(repeating: 0, count: parameters.count)
  }

  deinit {
    firstMoment.deallocate()
    secondMoment.deallocate()
  }

  public var learningRate: Float {
    get { hyper.learningRate }
    set { hyper.learningRate = newValue }
  }

  public var momentum: Float {
    get { hyper.beta1 }
    set { hyper.beta1 = newValue }
  }

  public var stateBlocks: [(name: String, values: UnsafeMutablePointer<Float>)] {
    [("exp_avg", firstMoment), ("exp_avg_sq", secondMoment)]
  }

  public func update(_ range: Range<Int>, gradients: UnsafePointer<Float>) {
    let start = range.lowerBound
    adamStep(
      parameters: parameters.values + start, gradients: gradients, firstMoment: firstMoment + start,
      secondMoment: secondMoment + start, count: range.count, step: stepCount, hyper: hyper)
  }
}

/// torch.optim.SGD with momentum, dampening, weight decay and Nesterov.
public final class SGD: Optimizer {
  public let parameters: ParameterArena
  public var hyper: SGDHyper
  public var stepCount = 0
  private let momentumBuffer: UnsafeMutablePointer<Float>

  public init(parameters: ParameterArena, hyper: SGDHyper) {
    precondition(parameters.isFinalized, "build the model before its optimiser")
    self.parameters = parameters
    self.hyper = hyper
    momentumBuffer = .allocate(capacity: parameters.count)
    momentumBuffer.initialize(repeating: 0, count: parameters.count)
  }

  deinit { momentumBuffer.deallocate() }

  public var learningRate: Float {
    get { hyper.learningRate }
    set { hyper.learningRate = newValue }
  }

  public var momentum: Float {
    get { hyper.momentum }
    set { hyper.momentum = newValue }
  }

  public var stateBlocks: [(name: String, values: UnsafeMutablePointer<Float>)] {
    [("momentum_buffer", momentumBuffer)]
  }

  public func update(_ range: Range<Int>, gradients: UnsafePointer<Float>) {
    let start = range.lowerBound
    sgdStep(
      parameters: parameters.values + start, gradients: gradients, momentumBuffer: momentumBuffer + start,
      count: range.count, step: stepCount, hyper: hyper)
  }
}

import DigitsNN

/// The torchvision ResNet family with an `inputChannels` stem (1 for MNIST) and `classes`
/// outputs: the same layers, parameter names and initialisation as torchvision.models.
public final class ResNet: Layer {
  /// The torchvision name (resnet18 ... resnet152), or nil for a custom stage layout.
  public let architecture: ResNetArchitecture?
  public let classes: Int
  public let inputChannels: Int
  /// With or without torchvision's max-pool.
  public let stemLayout: ResNetStem
  public let parameters = ParameterArena()
  public let buffers = ParameterArena()
  public let stem: Conv2d
  public let fc: Linear
  private let network: Sequential

  public convenience init(
    _ architecture: ResNetArchitecture, classes: Int = 10, inputChannels: Int = 1,
    stem: ResNetStem = .standard
  ) {
    self.init(
      blocksPerStage: architecture.blocksPerStage, bottleneck: architecture.usesBottleneck, classes: classes,
      inputChannels: inputChannels, stem: stem)
  }

  /// Any stage layout, as torchvision's `ResNet(block, layers)` allows (e.g. [1, 1, 1, 1]).
  public init(
    blocksPerStage: [Int], bottleneck: Bool, classes: Int = 10, inputChannels: Int = 1,
    stem stemLayout: ResNetStem = .standard
  ) {
    architecture = ResNetArchitecture.allCases.first {
      $0.blocksPerStage == blocksPerStage && $0.usesBottleneck == bottleneck
    }
    self.classes = classes
    self.inputChannels = inputChannels
    self.stemLayout = stemLayout
    stem = Conv2d(
      parameters, name: "conv1", inputChannels: inputChannels, outputChannels: 64, kernelSize: 7, stride: 2,
      padding: 3)
    stem.computesInputGradient = false
    var layers: [any Layer] = [
      stem,
      BatchNorm2d(parameters: parameters, buffers: buffers, name: "bn1", channels: 64, fusedReLU: true),
    ]
    if stemLayout == .standard { layers.append(MaxPool2d(kernelSize: 3, stride: 2, padding: 1)) }
    var inPlanes = 64
    for (stage, blockCount) in blocksPerStage.enumerated() {
      let planes = 64 << stage
      for index in 0..<blockCount {
        let name = "layer\(stage + 1).\(index)"
        let stride = stage > 0 && index == 0 ? 2 : 1
        let block =
          bottleneck
          ? ResidualBlock.bottleneck(
            parameters: parameters, buffers: buffers, name: name, inPlanes: inPlanes, planes: planes,
            stride: stride)
          : ResidualBlock.basic(
            parameters: parameters, buffers: buffers, name: name, inPlanes: inPlanes, planes: planes,
            stride: stride)
        layers.append(block)
        inPlanes = planes * (bottleneck ? 4 : 1)
      }
    }
    layers.append(GlobalAvgPool())
    fc = Linear(parameters, name: "fc", inputFeatures: inPlanes, outputFeatures: classes)
    layers.append(fc)
    network = Sequential(layers)
    parameters.finalize()
    buffers.finalize()
  }

  public var parameterCount: Int { parameters.count }

  /// The layers in the order forward runs them (stem, blocks, pooling, fc), for code that walks
  /// the network, such as an exporter.
  public var layers: [any Layer] { network.layers }

  /// torchvision's initialisation: conv weights kaiming_normal_(fan_out, relu); BN weight 1,
  /// bias 0, running stats reset; fc weight and bias U(±1/sqrt(fan_in)) (Linear's default).
  /// `zeroInitResidual`, as torchvision's `zero_init_residual=True`: each block's last BN weight
  /// starts at 0, so every block starts as its shortcut (the same random draws either way).
  public func initialize<G: RandomNumberGenerator>(using generator: inout G, zeroInitResidual: Bool = false) {
    visit(network) { layer in
      switch layer {
      case let conv as Conv2d:
        Initializer.kaimingNormalFanOut(conv.weight, fanOut: conv.fanOut, using: &generator)
      case let norm as BatchNorm2d:
        norm.resetToDefaults()
      case let linear as Linear:
        let bound = 1 / Float(linear.inputFeatures).squareRoot()
        Initializer.uniform(linear.weight, bound: bound, using: &generator)
        if let bias = linear.bias { Initializer.uniform(bias, bound: bound, using: &generator) }
      default:
        break
      }
    }
    if zeroInitResidual {
      for case let block as ResidualBlock in network.layers { block.lastNorm.weight.fill(0) }
    }
  }

  public func forward(_ input: Tensor, context: ExecutionContext) -> Tensor {
    network.forward(input, context: context)
  }

  public func backward(_ gradOutput: Tensor, context: ExecutionContext) -> Tensor {
    // The gradient an earlier backward pass returned is no longer read.
    context.gradients.reclaimAll()
    return network.backward(gradOutput, context: context)
  }

  /// For each top-level layer and each residual block, the lowest parameter-arena offset of its
  /// parameters: once it has run backward, every gradient from there to the arena's end is final
  /// (backward visits them in reverse construction order, which is the arena's order).
  public var gradientStarts: [ObjectIdentifier: Int] {
    var starts: [ObjectIdentifier: Int] = [:]
    func start(of layer: any Layer) -> Int? {
      var lowest: Int?
      visit(layer) { leaf in
        guard let owner = leaf as? any ParameterizedLayer else { return }
        lowest = min(lowest ?? .max, owner.parameterRange.lowerBound)
      }
      return lowest
    }
    for layer in network.layers {
      starts[ObjectIdentifier(layer)] = start(of: layer)
      if let stage = layer as? Sequential {
        for block in stage.layers { starts[ObjectIdentifier(block)] = start(of: block) }
      }
    }
    return starts.compactMapValues { $0 }
  }

  /// Every leaf layer that owns parameters, in construction order: their `parameterRange`s tile
  /// the arena.
  public var parameterizedLayers: [any ParameterizedLayer] {
    var result: [any ParameterizedLayer] = []
    visit(network) { if let owner = $0 as? any ParameterizedLayer { result.append(owner) } }
    return result
  }

  /// The convolutions in construction order (for FLOP counts).
  public var convolutions: [Conv2d] {
    var result: [Conv2d] = []
    visit(network) { if let conv = $0 as? Conv2d { result.append(conv) } }
    return result
  }

  /// Every leaf layer in construction order (blocks: main path, then downsample).
  private func visit(_ layer: any Layer, _ body: (any Layer) -> Void) {
    switch layer {
    case let sequence as Sequential:
      for child in sequence.layers { visit(child, body) }
    case let block as ResidualBlock:
      visit(block.main, body)
      if let downsample = block.downsample { visit(downsample, body) }
    default:
      body(layer)
    }
  }
}

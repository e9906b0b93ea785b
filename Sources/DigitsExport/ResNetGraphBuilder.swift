import DigitsData
import DigitsModels
import DigitsNN

/// Builds the eval-mode ONNX graph of a ResNet by walking its layers in the order digits runs
/// them: raw pixels in, normalised inside the graph as the checkpoint says, each BatchNorm
/// folded into the conv before it (as digits' own inference does), logits out.
struct ResNetGraphBuilder {
  static let inputName = "pixels"
  static let outputName = "logits"
  static let batchDimension = "N"
  /// MNIST's image side; the network itself would take any size, but it was trained on these.
  static let imageSide = 28

  private var graph: ONNXGraph

  private init(name: String) {
    graph = ONNXGraph(name: name)
  }

  static func graph(of model: ResNet, normalization: Normalization, name: String) throws -> ONNXGraph {
    var builder = ResNetGraphBuilder(name: name)
    builder.graph.inputs = [
      ONNXValueInfo(
        name: inputName,
        shape: [.symbolic(batchDimension), .fixed(model.inputChannels), .fixed(imageSide), .fixed(imageSide)])
    ]
    let normalized = builder.normalize(inputName, normalization)
    let logits = try builder.emit(model.layers, input: normalized, residual: nil)
    // The last node writes the graph's output under its public name.
    builder.rename(output: logits, to: outputName)
    builder.graph.outputs = [
      ONNXValueInfo(name: outputName, shape: [.symbolic(batchDimension), .fixed(model.classes)])
    ]
    return builder.graph
  }

  /// (x - mean) / std, the same two float operations `Normalization.apply` does, so the graph
  /// sees bit for bit the values digits feeds its first conv.
  private mutating func normalize(_ input: String, _ normalization: Normalization) -> String {
    let broadcast = [1, 1, 1, 1]
    let mean = constant("normalization.mean", dims: broadcast, [normalization.mean])
    let std = constant("normalization.std", dims: broadcast, [normalization.std])
    let centred = node("Sub", "normalize.sub", [input, mean])
    return node("Div", "normalize.div", [centred, std])
  }

  /// The layers of a Sequential; `residual`, when given, joins after the last conv → BatchNorm
  /// pair and is followed by a ReLU (a residual block's output), as `Sequential.forwardFolding`
  /// runs it.
  private mutating func emit(_ layers: [any Layer], input: String, residual: String?) throws -> String {
    var x = input
    var index = 0
    while index < layers.count {
      switch layers[index] {
      case let conv as Conv2d:
        guard index + 1 < layers.count, let norm = layers[index + 1] as? BatchNorm2d else {
          throw unsupported("a Conv2d without a BatchNorm2d after it")
        }
        let name = Self.stateName(conv.weight)
        x = foldedConv(conv, norm, name: name, input: x)
        let block = name.split(separator: ".").dropLast().joined(separator: ".")
        if let residual, index + 2 == layers.count {
          let sum = node("Add", qualified(block, "add"), [x, residual])
          x = node("Relu", qualified(block, "relu"), [sum])
        } else if norm.fusedReLU {
          x = node("Relu", name + ".relu", [x])
        }
        index += 2
        continue
      case let pool as MaxPool2d:
        x = node(
          "MaxPool", "maxpool", [x],
          attributes: [
            .ints("kernel_shape", [pool.kernelSize, pool.kernelSize]),
            .ints("strides", [pool.stride, pool.stride]),
            .ints("pads", Array(repeating: pool.padding, count: 4)),
          ])
      case let block as ResidualBlock:
        let identity = try block.downsample.map { try emit($0.layers, input: x, residual: nil) } ?? x
        x = try emit(block.main.layers, input: x, residual: identity)
      case is GlobalAvgPool:
        let pooled = node("GlobalAveragePool", "avgpool", [x])
        x = node("Flatten", "flatten", [pooled], attributes: [.int("axis", 1)])
      case let linear as Linear:
        x = gemm(linear, input: x)
      case let layer:
        throw unsupported("a \(type(of: layer)) layer")
      }
      guard residual == nil || index + 1 < layers.count else {
        throw unsupported("a residual branch that does not end in Conv2d → BatchNorm2d")
      }
      index += 1
    }
    return x
  }

  /// conv(x, W · scale) + shift: BatchNorm's running affine (scale, shift per output channel,
  /// computed by `BatchNorm2d.runningAffine` as digits' folded inference computes it) moved into
  /// the conv's weights and a bias.
  private mutating func foldedConv(_ conv: Conv2d, _ norm: BatchNorm2d, name: String, input: String) -> String
  {
    let channels = conv.outputChannels
    var scale = [Float](repeating: 0, count: channels)
    var shift = [Float](repeating: 0, count: channels)
    scale.withUnsafeMutableBufferPointer { s in
      shift.withUnsafeMutableBufferPointer {
        norm.runningAffine(scale: s.baseAddress!, shift: $0.baseAddress!)
      }
    }
    if let bias = conv.bias {
      for channel in 0..<channels { shift[channel] += bias.value[channel] * scale[channel] }
    }
    // [O, I, KH, KW] (ONNX's layout, PyTorch's): the output channel is the outer axis.
    var weights = StateDict.torchValues(of: Self.slot(conv.weight), in: conv.weight.arena.values)
    let perChannel = weights.count / channels
    for index in weights.indices { weights[index] *= scale[index / perChannel] }
    let (kh, kw) = conv.kernelSize
    let weight = constant(name + ".weight", dims: [channels, conv.inputChannels, kh, kw], weights)
    let bias = constant(name + ".bias", dims: [channels], shift)
    return node(
      "Conv", name, [input, weight, bias],
      attributes: [
        .ints("kernel_shape", [kh, kw]),
        .ints("strides", [conv.stride.height, conv.stride.width]),
        .ints("pads", [conv.padding.height, conv.padding.width, conv.padding.height, conv.padding.width]),
      ])
  }

  /// y = x · Wᵀ + b with W [out, in] as stored (transB); opsets before 11 require the bias
  /// input, so a Linear without one gets zeros.
  private mutating func gemm(_ linear: Linear, input: String) -> String {
    let name = Self.stateName(linear.weight)
    let weight = constant(
      name + ".weight", dims: [linear.outputFeatures, linear.inputFeatures],
      Array(UnsafeBufferPointer(start: linear.weight.value, count: linear.weight.count)))
    let biasValues =
      linear.bias.map { Array(UnsafeBufferPointer(start: $0.value, count: $0.count)) }
      ?? Array(repeating: 0, count: linear.outputFeatures)
    let bias = constant(name + ".bias", dims: [linear.outputFeatures], biasValues)
    return node("Gemm", name, [input, weight, bias], attributes: [.int("transB", 1)])
  }

  /// Adds a node whose one output carries the node's name, and returns that name.
  private mutating func node(
    _ opType: String, _ name: String, _ inputs: [String], attributes: [ONNXAttribute] = []
  ) -> String {
    graph.nodes.append(
      ONNXNode(opType: opType, name: name, inputs: inputs, outputs: [name], attributes: attributes))
    return name
  }

  private mutating func constant(_ name: String, dims: [Int], _ values: [Float]) -> String {
    graph.initializers.append(ONNXTensor(name: name, dims: dims, floats: values))
    return name
  }

  private mutating func rename(output: String, to newName: String) {
    let last = graph.nodes.removeLast()
    precondition(last.outputs == [output], "the graph's output must come from its last node")
    graph.nodes.append(
      ONNXNode(
        opType: last.opType, name: last.name, inputs: last.inputs, outputs: [newName],
        attributes: last.attributes))
  }

  private func unsupported(_ what: String) -> ONNXExportError {
    ONNXExportError(kind: .unsupportedLayer, description: "cannot export \(what) to ONNX")
  }

  /// The arena slot (state_dict entry) a parameter occupies.
  private static func slot(_ parameter: Parameter) -> ArenaSlot {
    guard let slot = parameter.arena.slots.first(where: { $0.offset == parameter.offset }) else {
      preconditionFailure("a parameter outside its arena's slots")
    }
    return slot
  }

  /// The state_dict prefix of a layer from its weight ("layer1.0.conv1" for
  /// "layer1.0.conv1.weight"), so that node and initializer names match the checkpoint's.
  private static func stateName(_ weight: Parameter) -> String {
    let name = slot(weight).name
    return name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
  }
}

import DigitsExport
import DigitsModels
import DigitsNN
import TestSupport
import Testing

/// The exported file read back with the tests' own protobuf decoder, without Python: the
/// header fields, the node sequence with its attributes, the initializers' names, dims and
/// folded values, the dynamic batch dimension, and that every node reads only what exists.
@Suite struct ONNXGraphStructureTests {
  /// Each variant exported once at the default opset (half a second each in a debug build),
  /// read back by several tests.
  private static let exports = Dictionary(
    uniqueKeysWithValues: SeededClassifier.allCases.map { variant in
      (variant, Result { try DecodedModel(try ONNXExport.serialize(variant.shared)) })
    })

  private func decoded(_ variant: SeededClassifier, opset: Int = ONNXOpset.defaultVersion) throws
    -> (DecodedModel, Classifier)
  {
    let classifier = variant.shared
    if opset == ONNXOpset.defaultVersion { return (try Self.exports[variant]!.get(), classifier) }
    return (try DecodedModel(try ONNXExport.serialize(classifier, opset: opset)), classifier)
  }

  @Test func headerNamesProducerOpsetAndCheckpointMetadata() throws {
    let (model, _) = try decoded(.basicNoMaxPool)
    #expect(model.irVersion == 8)  // opset 17 came with IR 8 (onnx 1.12)
    #expect(model.opsets.count == 1 && model.opsets[0] == ("", 17))
    #expect(model.producer == "digits")
    #expect(model.graphName == "resnet10")
    #expect(model.metadata["stem"] == "nomaxpool" && model.metadata["model"] == "resnet10")
    #expect(model.metadata["normalization_mean"] == "0.25" && model.metadata["normalization_std"] == "0.5")
  }

  @Test(arguments: [(9, 4), (13, 7), (23, 11), (28, 14)])
  func irVersionFollowsOpset(opset: Int, ir: Int) throws {
    let (model, _) = try decoded(.basicStandard, opset: opset)
    #expect(model.irVersion == ir && model.opsets[0].version == opset)
  }

  @Test(arguments: [8, 29, 0, -17])
  func opsetOutsideTheRangeIsRefused(opset: Int) {
    let error = #expect(throws: ONNXExportError.self) {
      _ = try ONNXExport.serialize(SeededClassifier.basicStandard.shared, opset: opset)
    }
    #expect(error?.kind == .unsupportedOpset)
    #expect(error?.description.contains("\(opset)") == true)
  }

  @Test func inputAndOutputHaveADynamicBatch() throws {
    let (model, _) = try decoded(.bottleneckStandard)
    #expect(
      model.inputs == [
        .init(name: "pixels", elementType: 1, shape: [.symbolic("N"), .fixed(1), .fixed(28), .fixed(28)])
      ])
    #expect(model.outputs == [.init(name: "logits", elementType: 1, shape: [.symbolic("N"), .fixed(10)])])
  }

  @Test func basicBlocksWithTheMaxPoolStem() throws {
    let (model, _) = try decoded(.basicStandard)
    let stage1 = ["Conv", "Relu", "Conv", "Add", "Relu"]
    // Stages 2 to 4 open with a stride 2: the downsample conv comes first, as digits runs it.
    let downsampled = ["Conv"] + stage1
    let expected =
      ["Sub", "Div", "Conv", "Relu", "MaxPool"] + stage1 + downsampled + downsampled + downsampled
      + ["GlobalAveragePool", "Flatten", "Gemm"]
    #expect(model.nodes.map(\.opType) == expected)
    #expect(
      model.nodes[8...13].map(\.name) == [
        "layer1.0.add", "layer1.0.relu", "layer2.0.downsample.0", "layer2.0.conv1", "layer2.0.conv1.relu",
        "layer2.0.conv2",
      ])
    let stem = try #require(model.nodes.first { $0.name == "conv1" })
    #expect(stem.inputs == ["normalize.div", "conv1.weight", "conv1.bias"])
    #expect(stem.attributes["kernel_shape"]?.ints == [7, 7] && stem.attributes["kernel_shape"]?.type == 7)
    #expect(stem.attributes["strides"]?.ints == [2, 2] && stem.attributes["pads"]?.ints == [3, 3, 3, 3])
    let pool = try #require(model.nodes.first { $0.opType == "MaxPool" })
    #expect(pool.attributes["kernel_shape"]?.ints == [3, 3] && pool.attributes["strides"]?.ints == [2, 2])
    #expect(pool.attributes["pads"]?.ints == [1, 1, 1, 1])
    let shortcut = try #require(model.nodes.first { $0.name == "layer3.0.downsample.0" })
    #expect(
      shortcut.attributes["kernel_shape"]?.ints == [1, 1] && shortcut.attributes["strides"]?.ints == [2, 2])
    #expect(shortcut.attributes["pads"]?.ints == [0, 0, 0, 0])
    let join = try #require(model.nodes.first { $0.name == "layer3.0.add" })
    #expect(join.inputs == ["layer3.0.conv2", "layer3.0.downsample.0"])
    #expect(model.nodes.first { $0.name == "layer1.0.add" }?.inputs == ["layer1.0.conv2", "maxpool"])
    let flatten = try #require(model.nodes.first { $0.opType == "Flatten" })
    #expect(flatten.attributes["axis"]?.int == 1 && flatten.attributes["axis"]?.type == 2)
    let fc = try #require(model.nodes.last)
    #expect(fc.inputs == ["flatten", "fc.weight", "fc.bias"] && fc.outputs == ["logits"])
    #expect(fc.attributes["transB"]?.int == 1)
  }

  @Test func bottleneckBlocksWithoutTheMaxPool() throws {
    let (model, _) = try decoded(.bottleneckNoMaxPool)
    // Every stage opens with a downsample (stage 1: 64 to 256 channels); the stride sits on the
    // 3x3 conv (ResNet v1.5).
    let block = ["Conv", "Conv", "Relu", "Conv", "Relu", "Conv", "Add", "Relu"]
    let expected =
      ["Sub", "Div", "Conv", "Relu"] + block + block + block + block + [
        "GlobalAveragePool", "Flatten", "Gemm",
      ]
    #expect(model.nodes.map(\.opType) == expected)
    let strided = try #require(model.nodes.first { $0.name == "layer2.0.conv2" })
    #expect(
      strided.attributes["strides"]?.ints == [2, 2] && strided.attributes["kernel_shape"]?.ints == [3, 3])
    #expect(model.nodes.first { $0.name == "layer2.0.conv1" }?.attributes["strides"]?.ints == [1, 1])
    #expect(model.initializer("fc.weight")?.dims == [10, 2048])
  }

  /// One initializer per conv weight, in PyTorch's shape and float32, with a bias of its output
  /// channels; no BatchNorm tensor survives the folding.
  @Test(arguments: SeededClassifier.allCases)
  func initializersAreTheFoldedState(variant: SeededClassifier) throws {
    let (model, classifier) = try decoded(variant)
    var expected: [String: [Int]] = ["normalization.mean": [1, 1, 1, 1], "normalization.std": [1, 1, 1, 1]]
    for slot in classifier.model.parameters.slots
    where slot.torchShape.count == 4 || slot.name.hasPrefix("fc.") {
      expected[slot.name] = slot.torchShape
      if slot.torchShape.count == 4 {
        expected[String(slot.name.dropLast("weight".count)) + "bias"] = [slot.torchShape[0]]
      }
    }
    #expect(Dictionary(uniqueKeysWithValues: model.initializers.map { ($0.name, $0.dims) }) == expected)
    #expect(model.initializers.count == expected.count)
    for tensor in model.initializers {
      #expect(tensor.dataType == 1, "\(tensor.name)")
      #expect(tensor.rawData.count == 4 * tensor.dims.reduce(1, *), "\(tensor.name)")
    }
    let norm = classifier.normalization
    #expect(model.initializer("normalization.mean")?.floats == [norm.mean])
    #expect(model.initializer("normalization.std")?.floats == [norm.std])
  }

  /// The folding worked out independently: W · γ / √(σ² + ε) and β - μ · γ / √(σ² + ε), in
  /// Double, against the float32 values in the file.
  @Test func foldedValuesAreTheNormsAffineOnTheConv() throws {
    let (model, classifier) = try decoded(.bottleneckStandard)
    let state = classifier.model.parameters
    let buffers = classifier.model.buffers
    for (conv, norm) in [
      ("conv1", "bn1"), ("layer2.0.conv2", "layer2.0.bn2"),
      ("layer3.0.downsample.0", "layer3.0.downsample.1"),
    ] {
      let gamma = torchValue(state, norm + ".weight")
      let beta = torchValue(state, norm + ".bias")
      let mean = torchValue(buffers, norm + ".running_mean")
      let variance = torchValue(buffers, norm + ".running_var")
      let scale = zip(gamma, variance).map { Double($0) / (Double($1) + 1e-5).squareRoot() }
      let weights = torchValue(state, conv + ".weight")
      let perChannel = weights.count / gamma.count
      let expectedWeights = weights.indices.map { Float(Double(weights[$0]) * scale[$0 / perChannel]) }
      let expectedBias = gamma.indices.map { Float(Double(beta[$0]) - Double(mean[$0]) * scale[$0]) }
      let foldedWeights = try #require(model.initializer(conv + ".weight")).floats
      let foldedBias = try #require(model.initializer(conv + ".bias")).floats
      #expect(
        maxAbsDifference(foldedWeights, expectedWeights) <= parityTolerance(expectedWeights, base: 1e-6),
        "\(conv)")
      #expect(
        maxAbsDifference(foldedBias, expectedBias) <= parityTolerance(expectedBias, base: 1e-6), "\(conv)")
    }
    let fc = try #require(model.initializer("fc.weight")).floats
    #expect(fc == torchValue(state, "fc.weight"))
  }

  /// Nodes in topological order: every input is the graph's input, an initializer or an earlier
  /// node's output; every initializer is used; every output is written once.
  @Test(arguments: SeededClassifier.allCases)
  func nodesReadOnlyWhatExists(variant: SeededClassifier) throws {
    let (model, _) = try decoded(variant)
    var available = Set(model.inputs.map(\.name) + model.initializers.map(\.name))
    var used = Set<String>()
    for node in model.nodes {
      for input in node.inputs {
        #expect(available.contains(input), "\(node.name) reads \(input) before it exists")
        used.insert(input)
      }
      for output in node.outputs {
        #expect(!available.contains(output), "\(output) written twice")
        available.insert(output)
      }
    }
    #expect(Set(model.initializers.map(\.name)).subtracting(used).isEmpty)
    #expect(model.nodes.last?.outputs == ["logits"])
    #expect(Set(model.nodes.map(\.name)).count == model.nodes.count, "node names are unique")
  }
}

import DigitsNN

/// Checkpoints are torchvision state_dicts in safetensors: the same key names and PyTorch
/// layouts, so `model.load_state_dict(load_file(path), strict=True)` works in Python.
extension ResNet {
  /// Builds the ResNet a state_dict describes: blocks per stage from the `layerS.I.` keys,
  /// Bottleneck when `layer1.0.conv3.weight` exists, classes from `fc.weight`, input channels
  /// from `conv1.weight`, the stem from the metadata's `stem` (torchvision's when absent). Then
  /// loads every tensor, strictly.
  public convenience init(checkpoint file: SafeTensorsFile) throws {
    func fail(_ problem: String) -> SafeTensorsError {
      SafeTensorsError(
        path: file.path, kind: .missingTensor, problem: "not a torchvision ResNet state_dict: \(problem)")
    }
    guard let stem = file.info("conv1.weight"), stem.shape.count == 4 else {
      throw fail("it has no 4-D conv1.weight")
    }
    guard let fc = file.info("fc.weight"), fc.shape.count == 2 else { throw fail("it has no 2-D fc.weight") }
    var blocks: [Int] = []
    for stage in 1...4 {
      var count = 0
      while file.info("layer\(stage).\(count).conv1.weight") != nil { count += 1 }
      guard count > 0 else { throw fail("it has no layer\(stage).0 block") }
      blocks.append(count)
    }
    let layout = file.metadata["stem"] ?? ResNetStem.standard.rawValue
    guard let stemLayout = ResNetStem(rawValue: layout) else {
      throw SafeTensorsError(
        path: file.path, kind: .badHeader,
        problem:
          "unknown stem \"\(layout)\" in the metadata (known: \(ResNetStem.allCases.map(\.rawValue).joined(separator: ", ")))"
      )
    }
    self.init(
      blocksPerStage: blocks, bottleneck: file.info("layer1.0.conv3.weight") != nil, classes: fc.shape[0],
      inputChannels: stem.shape[1], stem: stemLayout)
    try load(from: file)
  }

  /// Loads every parameter and buffer from `file`; a missing, extra, mis-shaped or mis-typed
  /// tensor throws an error naming it.
  public func load(from file: SafeTensorsFile) throws {
    try StateDict.load(from: file, into: [parameters, buffers], strict: true)
  }

  /// Writes the state_dict to `path` atomically (temporary file, then rename).
  public func save(to path: String, metadata: [String: String]) throws {
    try stateWriter(metadata: metadata).write(to: path)
  }

  /// The state_dict as an in-memory checkpoint, which `load(from:)` restores.
  public func snapshot() throws -> SafeTensorsFile {
    try SafeTensorsFile(bytes: try stateWriter(metadata: [:]).bytes(), path: "(memory)")
  }

  private func stateWriter(metadata: [String: String]) -> SafeTensorsWriter {
    var writer = SafeTensorsWriter()
    writer.metadata = metadata
    StateDict.add([parameters, buffers], to: &writer)
    return writer
  }

  /// The name a checkpoint's metadata gives this model.
  public var name: String {
    architecture?.rawValue ?? "resnet(\(parameters.slots.count) tensors)"
  }
}

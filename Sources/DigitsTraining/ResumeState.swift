import DigitsData
import DigitsModels
import DigitsNN
import Foundation

/// Everything `--resume` needs after a complete epoch, saved as one safetensors file:
/// model tensors under "model.", the weight average's under "ema.", optimiser blocks under
/// "optimizer.", and in the metadata the epoch, the optimiser step, the generator of the data
/// order and augmentation, and the early-stopping state.
struct ResumeState {
  var epoch: Int
  var iteration: Int
  var generator: SeededGenerator
  var earlyStopping: EarlyStopping
  var plateauHalvings: Int

  func save(model: ResNet, optimizer: any Optimizer, average: WeightAverage?, to path: String) throws {
    var writer = SafeTensorsWriter()
    for (prefix, model) in Self.models(model, average) {
      for arena in [model.parameters, model.buffers] {
        for slot in arena.slots {
          writer.add(
            prefix + slot.name,
            floats: UnsafeBufferPointer(start: arena.values + slot.offset, count: slot.count),
            shape: [slot.count])
        }
      }
    }
    for block in optimizer.stateBlocks {
      writer.add(
        "optimizer." + block.name,
        floats: UnsafeBufferPointer(start: block.values, count: optimizer.parameters.count),
        shape: [optimizer.parameters.count])
    }
    writer.metadata = [
      "epoch": "\(epoch)", "iteration": "\(iteration)", "optimizer_step": "\(optimizer.stepCount)",
      "generator": generator.state.map(String.init).joined(separator: ","),
      "early_stopping": encodeJSON(earlyStopping), "plateau_halvings": "\(plateauHalvings)",
    ]
    try writer.write(to: path)
  }

  /// Restores model and optimiser in place and returns the saved counters.
  static func load(path: String, model: ResNet, optimizer: any Optimizer, average: WeightAverage?) throws
    -> ResumeState
  {
    let file = try SafeTensorsFile.read(path: path)
    func fail(_ reason: String) -> TrainingError { .cannotResume(path: path, reason: reason) }
    let models = Self.models(model, average)
    let names =
      models.flatMap { prefix, model in
        [model.parameters, model.buffers].flatMap { $0.slots.map { prefix + $0.name } }
      } + optimizer.stateBlocks.map { "optimizer." + $0.name }
    try file.requireExactly(names)
    for (prefix, model) in models {
      for arena in [model.parameters, model.buffers] {
        for slot in arena.slots {
          let values = try file.floats(prefix + slot.name, shape: [slot.count])
          (arena.values + slot.offset).update(from: values, count: slot.count)
        }
      }
    }
    for block in optimizer.stateBlocks {
      let values = try file.floats("optimizer." + block.name, shape: [optimizer.parameters.count])
      block.values.update(from: values, count: values.count)
    }
    let m = file.metadata
    guard let epoch = m["epoch"].flatMap(Int.init), let iteration = m["iteration"].flatMap(Int.init),
      let step = m["optimizer_step"].flatMap(Int.init),
      let halvings = m["plateau_halvings"].flatMap(Int.init),
      let words = m["generator"]?.split(separator: ",").compactMap({ UInt64($0) }), words.count == 4,
      words.contains(where: { $0 != 0 }),
      let stopping = m["early_stopping"].flatMap({ try? decodeJSON(EarlyStopping.self, from: $0) })
    else { throw fail("its metadata is incomplete") }
    optimizer.stepCount = step
    return ResumeState(
      epoch: epoch, iteration: iteration, generator: SeededGenerator(state: words), earlyStopping: stopping,
      plateauHalvings: halvings)
  }
}

extension ResumeState {
  /// The models whose tensors the state holds, with their name prefixes.
  fileprivate static func models(_ model: ResNet, _ average: WeightAverage?) -> [(String, ResNet)] {
    [("model.", model)] + (average.map { [("ema.", $0.model)] } ?? [])
  }
}

/// Decodes JSON written by `encodeJSON`.
public func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return try decoder.decode(type, from: Foundation.Data(text.utf8))
}

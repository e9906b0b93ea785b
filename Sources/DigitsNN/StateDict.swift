/// Moves arenas to and from PyTorch state_dict tensors (safetensors), converting layouts:
/// conv weights [O, KH, KW, I] ↔ [O, I, KH, KW], counters Float ↔ int64.
public enum StateDict {
  /// Fills every slot of `arenas` from `file`'s tensors named `prefix + slot.name`.
  /// Throws, naming the tensor, when one is missing, has another shape or dtype, or (when
  /// `strict`) when the file holds tensors the model does not have.
  public static func load(
    from file: SafeTensorsFile, into arenas: [ParameterArena], prefix: String = "", strict: Bool = true
  ) throws {
    // Check the names before touching any value, so a wrong file leaves the model as it was.
    if strict {
      try file.requireExactly(arenas.flatMap { $0.slots.map { prefix + $0.name } }, prefix: prefix)
    }
    for arena in arenas {
      precondition(arena.isFinalized, "finalize the arena before loading")
      for slot in arena.slots {
        let key = prefix + slot.name
        let values: [Float]
        switch slot.layout {
        case .counter:
          values = try file.int64s(key, shape: slot.torchShape).map { Float($0) }
        case .plain:
          values = try file.floats(key, shape: slot.torchShape)
        case .convolution:
          values = movingAxis1ToEnd(try file.floats(key, shape: slot.torchShape), shape: slot.torchShape)
        }
        values.withUnsafeBufferPointer {
          (arena.values + slot.offset).update(from: $0.baseAddress!, count: slot.count)
        }
      }
    }
  }

  /// A slot's values (or, from `arena.gradients`, its gradient) in PyTorch's layout.
  /// Counters stay Float.
  public static func torchValues(of slot: ArenaSlot, in block: UnsafePointer<Float>) -> [Float] {
    let values = Array(UnsafeBufferPointer(start: block + slot.offset, count: slot.count))
    return slot.layout == .convolution ? movingLastAxisTo1(values, torchShape: slot.torchShape) : values
  }

  /// Adds every slot of `arenas` to `writer` under its state_dict name.
  public static func add(_ arenas: [ParameterArena], to writer: inout SafeTensorsWriter) {
    for arena in arenas {
      for slot in arena.slots {
        let values = torchValues(of: slot, in: arena.values)
        if slot.layout == .counter {
          writer.add(slot.name, int64s: values.map { Int64($0) }, shape: slot.torchShape)
        } else {
          writer.add(slot.name, floats: values, shape: slot.torchShape)
        }
      }
    }
  }
}

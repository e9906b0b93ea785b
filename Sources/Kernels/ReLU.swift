/// output = max(input, 0). input, output: [count] (may alias).
public func reluForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
  parallelChunks(count, grain: 1 << 15) { range in
    for i in range { output[i] = max(input[i], 0) }
  }
}

/// gradInput = gradOutput where output > 0, else 0 (PyTorch's ReLU backward uses the output).
public func reluBackward(
  gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
  output: UnsafePointer<Float>, count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    for i in range { gradInput[i] = output[i] > 0 ? gradOutput[i] : 0 }
  }
}

/// Residual join: output = max(a + b, 0). All [count]; output may alias a or b.
public func addReluForward(
  output: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    for i in range { output[i] = max(a[i] + b[i], 0) }
  }
}

/// output = a + b. All [count]; output may alias a or b.
public func addForward(
  output: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    for i in range { output[i] = a[i] + b[i] }
  }
}

/// destination += source. Both [count].
public func accumulate(
  _ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    for i in range { destination[i] += source[i] }
  }
}

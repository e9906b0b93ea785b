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
    forEachGroupOf8(range) { i, lanes in
      let gradient = (gradOutput + i).load8(lanes: lanes)
      let kept = (output + i).load8(lanes: lanes) .> 0
      (gradInput + i).store8(Float8().replacing(with: gradient, where: kept), lanes: lanes)
    }
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

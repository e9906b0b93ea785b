/// output = max(input, 0). input, output: [count] (may alias).
public func reluForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
  parallelChunks(count, grain: 1 << 15) { range in
    forEachGroupOf8(range) { i, lanes in
      (output + i).store8(rectified((input + i).load8(lanes: lanes)), lanes: lanes)
    }
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
    forEachGroupOf8(range) { i, lanes in
      (output + i).store8(rectified((a + i).load8(lanes: lanes) + (b + i).load8(lanes: lanes)), lanes: lanes)
    }
  }
}

/// output = a + b. All [count]; output may alias a or b.
public func addForward(
  output: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    forEachGroupOf8(range) { i, lanes in
      (output + i).store8((a + i).load8(lanes: lanes) + (b + i).load8(lanes: lanes), lanes: lanes)
    }
  }
}

/// destination += source. Both [count].
public func accumulate(
  _ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int
) {
  parallelChunks(count, grain: 1 << 15) { range in
    forEachGroupOf8(range) { i, lanes in
      (destination + i).store8(
        (destination + i).load8(lanes: lanes) + (source + i).load8(lanes: lanes), lanes: lanes)
    }
  }
}

/// max(x, 0) per lane; NaN stays NaN, as in `max(x, 0)` for a scalar.
@inline(__always)
public func rectified(_ x: Float8) -> Float8 { x.replacing(with: 0, where: x .< 0) }

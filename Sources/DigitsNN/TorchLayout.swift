/// Moves axis 1 of a 4-D tensor to the end: NCHW → NHWC for activations, and
/// [O, I, KH, KW] → [O, KH, KW, I] for conv weights. `shape` is the source shape.
public func movingAxis1ToEnd(_ values: [Float], shape: [Int]) -> [Float] {
  permutingAxis1(values, torchShape: shape, toEnd: true)
}

/// The inverse of `movingAxis1ToEnd`: NHWC → NCHW, [O, KH, KW, I] → [O, I, KH, KW].
/// `shape` is the destination (PyTorch) shape.
public func movingLastAxisTo1(_ values: [Float], torchShape shape: [Int]) -> [Float] {
  permutingAxis1(values, torchShape: shape, toEnd: false)
}

/// Copies between the PyTorch order [a, b, c, d] and the engine order [a, c, d, b].
private func permutingAxis1(_ values: [Float], torchShape shape: [Int], toEnd: Bool) -> [Float] {
  precondition(shape.count == 4 && values.count == shape.reduce(1, *), "a 4-D tensor is required")
  let (a, b, c, d) = (shape[0], shape[1], shape[2], shape[3])
  var result = [Float](repeating: 0, count: values.count)
  for i in 0..<a {
    for j in 0..<b {
      for k in 0..<c {
        for l in 0..<d {
          let torch = ((i * b + j) * c + k) * d + l
          let engine = ((i * c + k) * d + l) * b + j
          if toEnd { result[engine] = values[torch] } else { result[torch] = values[engine] }
        }
      }
    }
  }
  return result
}

/// Moves axis 1 of a 4-D tensor to the end: NCHW → NHWC for activations, and
/// [O, I, KH, KW] → [O, KH, KW, I] for conv weights. `shape` is the source shape.
public func movingAxis1ToEnd(_ values: [Float], shape: [Int]) -> [Float] {
  precondition(shape.count == 4 && values.count == shape.reduce(1, *), "a 4-D tensor is required")
  let (a, b, c, d) = (shape[0], shape[1], shape[2], shape[3])
  var result = [Float](repeating: 0, count: values.count)
  for i in 0..<a {
    for j in 0..<b {
      for k in 0..<c {
        for l in 0..<d { result[((i * c + k) * d + l) * b + j] = values[((i * b + j) * c + k) * d + l] }
      }
    }
  }
  return result
}

/// The inverse of `movingAxis1ToEnd`: NHWC → NCHW, [O, KH, KW, I] → [O, I, KH, KW].
/// `shape` is the destination (PyTorch) shape.
public func movingLastAxisTo1(_ values: [Float], torchShape shape: [Int]) -> [Float] {
  precondition(shape.count == 4 && values.count == shape.reduce(1, *), "a 4-D tensor is required")
  let (a, b, c, d) = (shape[0], shape[1], shape[2], shape[3])
  var result = [Float](repeating: 0, count: values.count)
  for i in 0..<a {
    for j in 0..<b {
      for k in 0..<c {
        for l in 0..<d { result[((i * b + j) * c + k) * d + l] = values[((i * c + k) * d + l) * b + j] }
      }
    }
  }
  return result
}

/// Linear forward: output[N, O] = input[N, I] · weight[O, I]ᵀ + bias[O].
public func linearForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  batch: Int, inFeatures: Int, outFeatures: Int
) {
  gemm(
    transposeA: false, transposeB: true, m: batch, n: outFeatures, k: inFeatures,
    a: input, lda: inFeatures, b: weight, ldb: inFeatures, beta: 0, c: output, ldc: outFeatures)
  if let bias {
    addRowVector(output, rows: batch, columns: outFeatures, vector: bias)
  }
}

/// Linear backward: gradWeight[O, I] += gradOutputᵀ · input, gradBias[O] += Σ_n gradOutput,
/// gradInput[N, I] = gradOutput[N, O] · weight[O, I] (overwritten, when non-nil).
public func linearBackward(
  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
  gradBias: UnsafeMutablePointer<Float>?,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  batch: Int, inFeatures: Int, outFeatures: Int
) {
  gemm(
    transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: batch,
    a: gradOutput, lda: outFeatures, b: input, ldb: inFeatures, beta: 1, c: gradWeight,
    ldc: inFeatures)
  if let gradBias {
    sumRows(into: gradBias, gradOutput, rows: batch, columns: outFeatures, accumulate: true)
  }
  if let gradInput {
    gemm(
      transposeA: false, transposeB: false, m: batch, n: inFeatures, k: outFeatures,
      a: gradOutput, lda: outFeatures, b: weight, ldb: inFeatures, beta: 0, c: gradInput,
      ldc: inFeatures)
  }
}

import CDigitsBLAS

/// Row-major single-precision GEMM through OpenBLAS:
/// `c[m, n] = alpha * op(a)[m, k] * op(b)[k, n] + beta * c[m, n]`,
/// where `op(a)` is `a` ([m, k], lda >= k) or `aᵀ` (a stored as [k, m], lda >= m), likewise for b.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  guard m > 0, n > 0 else { return }
  guard k > 0 else {
    // BLAS leaves C untouched when k == 0 only if beta == 1; make beta's meaning explicit.
    if beta != 1 {
      for row in 0..<m { for col in 0..<n { c[row * ldc + col] *= beta } }
    }
    return
  }
  var beta = beta
  if beta == 0 && ldc == n {
    // OpenBLAS clears C for beta = 0 with a scalar store loop (sgemm_beta: 6.6% of a ResNet50
    // training step); memset's vector stores take 2.3%, and 0 + AB is what beta = 0 gives.
    // One thread: dispatching it to both woke OpenBLAS's idle workers into the scheduler.
    c.update(repeating: 0, count: m * n)
    beta = 1
  }
  Workers.pool?.parkHelpers()
  OpenBLAS.functions.sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

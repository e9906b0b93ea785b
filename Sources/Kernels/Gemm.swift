import CBLAS

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
  // Large products are split across the workers here, each calling a single-threaded
  // OpenBLAS: OpenBLAS's own threads spin between calls and starve the element-wise kernels.
  let workers = Threads.splitsGEMM ? min(Threads.count, max(1, m * n * k / 2_000_000)) : 1
  guard workers > 1 else {
    sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    return
  }
  if m >= n {
    // Rows of C: rows of op(a), which are columns of a when it is transposed.
    let per = (m + workers - 1) / workers
    parallelFor(workers) { worker in
      let start = worker * per
      let rows = min(m, start + per) - start
      guard rows > 0 else { return }
      let aStart = transposeA ? a + start : a + start * lda
      sgemm(transposeA, transposeB, rows, n, k, alpha, aStart, lda, b, ldb, beta, c + start * ldc, ldc)
    }
  } else {
    // Columns of C: columns of op(b).
    let per = (n + workers - 1) / workers
    parallelFor(workers) { worker in
      let start = worker * per
      let columns = min(n, start + per) - start
      guard columns > 0 else { return }
      let bStart = transposeB ? b + start * ldb : b + start
      sgemm(transposeA, transposeB, m, columns, k, alpha, a, lda, bStart, ldb, beta, c + start, ldc)
    }
  }
}

@usableFromInline
func sgemm(
  _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
  _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
  _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

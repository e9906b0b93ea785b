import Kernels
import TestSupport
import Testing

/// The register-blocked GEMMs must give OpenBLAS's products, for every mix of the four-row and
/// one-row loops with the sixteen-column and scalar-column ones, over several products at once.
@Suite struct SmallGemmTests {
  @Test(arguments: [(12, 48, 70), (3, 16, 5), (6, 21, 4), (1, 5, 1), (9, 64, 64)])
  func matchesOpenBLAS(_ shape: (Int, Int, Int)) {
    let (m, n, k, count) = (shape.0, shape.1, shape.2, 3)
    var random = TestRandom(seed: 21)
    let (a, b) = (random.floats(count * m * k), random.floats(count * k * n))
    var reference = [Float](repeating: 0, count: count * m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        reference.withUnsafeMutableBufferPointer { c in
          for product in 0..<count {
            gemm(
              transposeA: false, transposeB: false, m: m, n: n, k: k, a: a.baseAddress! + product * m * k,
              lda: k, b: b.baseAddress! + product * k * n, ldb: n, beta: 0,
              c: c.baseAddress! + product * m * n,
              ldc: n)
          }
        }
      }
    }
    var blocked = [Float](repeating: .nan, count: count * m * n)
    batchedSmallGemm(count: count, m: m, n: n, k: k, a: a, b: b, c: &blocked)
    // Sums of k products in [-1, 1], added in the same order; FMA rounding may differ.
    #expect(maxAbsDifference(blocked, reference) < 1e-6 * Float(k))
  }
}

import DigitsKernels
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
    let reference = openBLASProducts(
      count: count, m: m, n: n, k: k, a: a, transposeA: false, b: b,
      onto: [Float](repeating: 0, count: count * m * n))
    var blocked = [Float](repeating: .nan, count: count * m * n)
    batchedSmallGemm(count: count, m: m, n: n, k: k, a: a, b: b, c: &blocked)
    // Sums of k products in [-1, 1], added in the same order; FMA rounding may differ.
    #expect(maxAbsDifference(blocked, reference) < 1e-6 * Float(k))
  }

  /// One GEMM split by rows over the workers, each value through bias, residual and ReLU as it
  /// is stored; the residual is the output itself, as where a block's input gradients meet.
  @Test(arguments: [(141, 48, 32), (9, 20, 3)])
  func rowSplitAppliesTheEpilogue(_ shape: (Int, Int, Int)) {
    let (m, n, k) = shape
    var random = TestRandom(seed: 22)
    let (a, b, bias, start) = (
      random.floats(m * k), random.floats(k * n), random.floats(n), random.floats(m * n)
    )
    var reference = start
    gemm(
      transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 1,
      c: &reference, ldc: n)
    // max(x, 0), not max(0, x): Swift's max returns its first argument when the second is NaN.
    for index in reference.indices { reference[index] = max(reference[index] + bias[index % n], 0) }
    var fused = start
    fused.withUnsafeMutableBufferPointer { output in
      bias.withUnsafeBufferPointer { bias in
        rowSplitSmallGemm(
          m: m, n: n, k: k, a: a, b: b, c: output.baseAddress!,
          epilogue: ConvEpilogue(
            bias: bias.baseAddress!, residual: UnsafePointer(output.baseAddress!), relu: true))
      }
    }
    #expect(reference.contains(0) && reference.contains { $0 > 0 })
    #expect(maxAbsDifference(fused, reference) < 1e-6 * Float(k + 2))
  }

  /// The left operand stored transposed ([k, m]: the Winograd weight gradient's dMᵀ) and the
  /// products added to what c holds (its later passes over the tiles), split by rows: 9 products.
  @Test(arguments: [(12, 48, 70), (6, 21, 4)])
  func transposedAndAccumulatingMatchesOpenBLAS(_ shape: (Int, Int, Int)) {
    let (m, n, k, count) = (shape.0, shape.1, shape.2, 9)
    var random = TestRandom(seed: 23)
    let (a, b, start) = (
      random.floats(count * k * m), random.floats(count * k * n), random.floats(count * m * n)
    )
    let reference = openBLASProducts(
      count: count, m: m, n: n, k: k, a: a, transposeA: true, b: b, onto: start)
    var blocked = start
    batchedSmallGemm(
      count: count, m: m, n: n, k: k, a: a, transposeA: true, b: b, c: &blocked, accumulate: true)
    #expect(maxAbsDifference(blocked, reference) < 1e-6 * Float(k + 1))
  }

  /// Where the CPU has AVX-512, its kernel (eight rows by 32 columns) and the AVX2 one give the
  /// same bits: each element sums its products in the same order, then the same epilogue.
  @Test(
    .enabled(if: SmallGemmKernel.avx512Available, "this CPU has no AVX-512"),
    arguments: [(13, 80, 7), (8, 32, 64), (29, 96, 33), (3, 40, 5)])
  func avx512GivesTheAVX2KernelsBits(_ shape: (Int, Int, Int)) {
    let (m, n, k, count) = (shape.0, shape.1, shape.2, 3)
    var random = TestRandom(seed: 24)
    let (a, b, start) = (
      random.floats(count * k * m), random.floats(count * k * n), random.floats(count * m * n)
    )
    let bias = random.floats(n)
    // Transposed and accumulating, as in Winograd's weight gradient; then one GEMM through bias,
    // residual (the output itself) and ReLU, as in a pointwise conv.
    func products(avx512: Bool) -> [Float] {
      var c = start
      batchedSmallGemm(
        count: count, m: m, n: n, k: k, a: a, transposeA: true, b: b, c: &c, accumulate: true, avx512: avx512)
      return c
    }
    func fused(avx512: Bool) -> [Float] {
      var c = Array(start.prefix(m * n))
      c.withUnsafeMutableBufferPointer { c in
        bias.withUnsafeBufferPointer { bias in
          rowSplitSmallGemm(
            m: m, n: n, k: k, a: a, b: b, c: c.baseAddress!,
            epilogue: ConvEpilogue(
              bias: bias.baseAddress!, residual: UnsafePointer(c.baseAddress!), relu: true),
            avx512: avx512)
        }
      }
      return c
    }
    #expect(products(avx512: true) == products(avx512: false))
    #expect(fused(avx512: true) == fused(avx512: false))
    #expect(fused(avx512: true).contains(0) && products(avx512: true) != start)
  }

  /// What OpenBLAS gives for the same `count` packed products, added onto `start`.
  private func openBLASProducts(
    count: Int, m: Int, n: Int, k: Int, a: [Float], transposeA: Bool, b: [Float], onto start: [Float]
  ) -> [Float] {
    var c = start
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          for product in 0..<count {
            gemm(
              transposeA: transposeA, transposeB: false, m: m, n: n, k: k,
              a: a.baseAddress! + product * m * k,
              lda: transposeA ? m : k, b: b.baseAddress! + product * k * n, ldb: n, beta: 1,
              c: c.baseAddress! + product * m * n, ldc: n)
          }
        }
      }
    }
    return c
  }
}

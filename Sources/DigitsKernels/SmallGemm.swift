import CDigitsAVX512

/// c[p] (+)= op(a[p]) · b[p] for `count` independent products [m, k] · [k, n] → [m, n], all
/// row-major and packed one after another (a[p] at a + p·m·k, b[p] at b + p·k·n, c[p] at
/// c + p·m·n), where op(a) is a ([m, k]) or with `transposeA` aᵀ (a stored [k, m]); split over
/// the workers by product (and by rows as well where the products do not divide evenly among
/// the workers). With `accumulate` the products add to what c holds.
///
/// For the point GEMMs of Winograd's transform (36 products with k and n of 64 to 256 and m a
/// few hundred tiles), where OpenBLAS spends longer clearing C, packing and waking its second
/// thread than multiplying: on 36 × [512, 64] · [64, 64] it ran at 15–21 GFLOP/s on both cores,
/// this loop at 68–72 (and 63–70 where OpenBLAS reached 42–59 on the larger shapes).
/// `avx512`: whether full 32-column blocks go to the AVX-512 kernel (where the CPU has it); the
/// results are the same either way.
public func batchedSmallGemm(
  count: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, transposeA: Bool = false,
  b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool = false,
  avx512: Bool = SmallGemmKernel.avx512Available
) {
  // 9 products on 2 workers would be 5 against 4: halves of each make it 9 against 9.
  let parts = count % Workers.count == 0 ? 1 : Workers.count
  let rowsPerPart = ((m + parts - 1) / parts + smallGemmRows - 1) / smallGemmRows * smallGemmRows
  let (rowStride, depthStride) = transposeA ? (1, m) : (k, 1)
  parallelFor(count * parts) { task in
    let (product, first) = (task / parts, task % parts * rowsPerPart)
    guard first < m else { return }
    let output = c + (product * m + first) * n
    smallGemm(
      m: min(rowsPerPart, m - first), n: n, k: k, a: a + product * m * k + first * rowStride,
      rowStride: rowStride, depthStride: depthStride, b: b + product * k * n, c: output,
      epilogue: ConvEpilogue(residual: accumulate ? UnsafePointer(output) : nil), avx512: avx512)
  }
}

/// c[m, n] = epilogue(a[m, k] · b[k, n]) as one GEMM, its rows split over the workers, each of
/// which reads all of b: for b of at most 256 KB, which stays in a core's L2 (see
/// `ConvAlgorithm.smallPointwise`). The epilogue's residual is indexed like c.
public func rowSplitSmallGemm(
  m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
  epilogue: ConvEpilogue, avx512: Bool = SmallGemmKernel.avx512Available
) {
  parallelChunks((m + smallGemmRows - 1) / smallGemmRows, grain: 3) { blocks in
    let first = smallGemmRows * blocks.lowerBound
    smallGemm(
      m: min(m, smallGemmRows * blocks.upperBound) - first, n: n, k: k, a: a + first * k, rowStride: k,
      depthStride: 1,
      b: b, c: c + first * n,
      epilogue: ConvEpilogue(
        bias: epilogue.bias, residual: epilogue.residual.map { $0 + first * n }, relu: epilogue.relu),
      avx512: avx512)
  }
}

/// The rows the workers split c into come in multiples of this: a whole number of the AVX2
/// kernel's six-row blocks and of the AVX-512 kernel's eight.
let smallGemmRows = 24

/// Which kernel `smallGemm` runs on this CPU.
public enum SmallGemmKernel {
  /// Whether the CPU runs AVX-512F: then full 32-column blocks of c go to the AVX-512 kernel
  /// (sixteen zmm accumulators, eight rows by 32 columns), the rest to the AVX2 one.
  public static let avx512Available = digits_avx512_available()
}

/// c[m, n] = epilogue(a[m, k] · b[k, n]), b and c row-major and packed, a[row, index] at
/// row · rowStride + index · depthStride (a or aᵀ stored row-major). Six rows by sixteen
/// columns of c sit in twelve ymm accumulators while k runs (sixteen registers hold them, two
/// rows of b and a broadcast: twelve FMAs per two loads and six broadcasts); four leftover rows
/// take a four-row block, the rest a one-row loop, and leftover columns a scalar one. Each
/// element sums its k products in order whatever the block, so the blocking never changes a bit.
func smallGemm(
  m: Int, n: Int, k: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue, avx512: Bool = SmallGemmKernel.avx512Available
) {
  // The AVX-512 kernel takes the full 32-column blocks; these loops the columns after them.
  let firstColumn =
    avx512
    ? digits_small_gemm_avx512(
      m, n, k, a, rowStride, depthStride, b, c, epilogue.bias, epilogue.residual, epilogue.relu) : 0
  let sixRowBlocks = m - m % 6
  let fullColumns = n - (n - firstColumn) % 16
  for row in stride(from: 0, to: sixRowBlocks, by: 6) {
    for column in stride(from: firstColumn, to: fullColumns, by: 16) {
      sixRowsBySixteen(
        k: k, n: n, a: a + row * rowStride, rowStride, depthStride, b: b + column, c: c, at: row, column,
        epilogue)
    }
  }
  let fullRows = m - sixRowBlocks >= 4 ? sixRowBlocks + 4 : sixRowBlocks
  if fullRows > sixRowBlocks {
    for column in stride(from: firstColumn, to: fullColumns, by: 16) {
      fourRowsBySixteen(
        k: k, n: n, a: a + sixRowBlocks * rowStride, rowStride, depthStride, b: b + column, c: c,
        at: sixRowBlocks, column, epilogue)
    }
  }
  for row in fullRows..<m {
    for column in stride(from: firstColumn, to: fullColumns, by: 16) {
      oneRowBySixteen(
        k: k, n: n, a: a + row * rowStride, depthStride, b: b + column, c: c, at: row, column, epilogue)
    }
  }
  guard fullColumns < n else { return }
  for row in 0..<m {
    for column in fullColumns..<n {
      var sum: Float = 0
      for index in 0..<k { sum += a[row * rowStride + index * depthStride] * b[index * n + column] }
      store(Float8(repeating: sum), in: c, at: row * n + column, channel: column, lanes: 1, epilogue)
    }
  }
}

/// c[row..<row + 6, column..<column + 16] through the epilogue, from a[0..<6, :] · b[:, 0..<16]
/// (a and b already at that block; b's rows n apart, a's strides as for `smallGemm`).
@inline(__always)
private func sixRowsBySixteen(
  k: Int, n: Int, a: UnsafePointer<Float>, _ rowStride: Int, _ depthStride: Int, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, at row: Int, _ column: Int, _ epilogue: ConvEpilogue
) {
  var (c00, c01, c10, c11) = (Float8(), Float8(), Float8(), Float8())
  var (c20, c21, c30, c31) = (Float8(), Float8(), Float8(), Float8())
  var (c40, c41, c50, c51) = (Float8(), Float8(), Float8(), Float8())
  var a0 = a
  var bRow = b
  for _ in 0..<k {
    let (b0, b1) = (bRow.load8(), (bRow + 8).load8())
    var x = Float8(repeating: a0[0])
    c00.addProduct(x, b0)
    c01.addProduct(x, b1)
    x = Float8(repeating: a0[rowStride])
    c10.addProduct(x, b0)
    c11.addProduct(x, b1)
    x = Float8(repeating: a0[2 * rowStride])
    c20.addProduct(x, b0)
    c21.addProduct(x, b1)
    x = Float8(repeating: a0[3 * rowStride])
    c30.addProduct(x, b0)
    c31.addProduct(x, b1)
    x = Float8(repeating: a0[4 * rowStride])
    c40.addProduct(x, b0)
    c41.addProduct(x, b1)
    x = Float8(repeating: a0[5 * rowStride])
    c50.addProduct(x, b0)
    c51.addProduct(x, b1)
    a0 += depthStride
    bRow += n
  }
  let index = row * n + column
  storeRow(c00, c01, in: c, at: index, column, epilogue)
  storeRow(c10, c11, in: c, at: index + n, column, epilogue)
  storeRow(c20, c21, in: c, at: index + 2 * n, column, epilogue)
  storeRow(c30, c31, in: c, at: index + 3 * n, column, epilogue)
  storeRow(c40, c41, in: c, at: index + 4 * n, column, epilogue)
  storeRow(c50, c51, in: c, at: index + 5 * n, column, epilogue)
}

/// Sixteen columns of one row of c, from two accumulators.
@inline(__always)
private func storeRow(
  _ left: Float8, _ right: Float8, in c: UnsafeMutablePointer<Float>, at index: Int, _ column: Int,
  _ epilogue: ConvEpilogue
) {
  store(left, in: c, at: index, channel: column, epilogue)
  store(right, in: c, at: index + 8, channel: column + 8, epilogue)
}

/// c[row..<row + 4, column..<column + 16] through the epilogue, from a[0..<4, :] · b[:, 0..<16]
/// (a and b already at that block; b's rows n apart, a's strides as for `smallGemm`).
@inline(__always)
private func fourRowsBySixteen(
  k: Int, n: Int, a: UnsafePointer<Float>, _ rowStride: Int, _ depthStride: Int, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, at row: Int, _ column: Int, _ epilogue: ConvEpilogue
) {
  var (c00, c01, c10, c11) = (Float8(), Float8(), Float8(), Float8())
  var (c20, c21, c30, c31) = (Float8(), Float8(), Float8(), Float8())
  let (a0, a1, a2, a3) = (a, a + rowStride, a + 2 * rowStride, a + 3 * rowStride)
  for index in 0..<k {
    let (b0, b1) = ((b + index * n).load8(), (b + index * n + 8).load8())
    let depth = index * depthStride
    let (x0, x1) = (Float8(repeating: a0[depth]), Float8(repeating: a1[depth]))
    c00.addProduct(x0, b0)
    c01.addProduct(x0, b1)
    c10.addProduct(x1, b0)
    c11.addProduct(x1, b1)
    let (x2, x3) = (Float8(repeating: a2[depth]), Float8(repeating: a3[depth]))
    c20.addProduct(x2, b0)
    c21.addProduct(x2, b1)
    c30.addProduct(x3, b0)
    c31.addProduct(x3, b1)
  }
  let index = row * n + column
  store(c00, in: c, at: index, channel: column, epilogue)
  store(c01, in: c, at: index + 8, channel: column + 8, epilogue)
  store(c10, in: c, at: index + n, channel: column, epilogue)
  store(c11, in: c, at: index + n + 8, channel: column + 8, epilogue)
  store(c20, in: c, at: index + 2 * n, channel: column, epilogue)
  store(c21, in: c, at: index + 2 * n + 8, channel: column + 8, epilogue)
  store(c30, in: c, at: index + 3 * n, channel: column, epilogue)
  store(c31, in: c, at: index + 3 * n + 8, channel: column + 8, epilogue)
}

/// c[row, column..<column + 16] through the epilogue, from a[0, :] · b[:, 0..<16].
@inline(__always)
private func oneRowBySixteen(
  k: Int, n: Int, a: UnsafePointer<Float>, _ depthStride: Int, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, at row: Int, _ column: Int, _ epilogue: ConvEpilogue
) {
  var (left, right) = (Float8(), Float8())
  for index in 0..<k {
    let x = Float8(repeating: a[index * depthStride])
    left.addProduct(x, (b + index * n).load8())
    right.addProduct(x, (b + index * n + 8).load8())
  }
  store(left, in: c, at: row * n + column, channel: column, epilogue)
  store(right, in: c, at: row * n + column + 8, channel: column + 8, epilogue)
}

@inline(__always)
private func store(
  _ sum: Float8, in c: UnsafeMutablePointer<Float>, at index: Int, channel: Int, lanes: Int = 8,
  _ epilogue: ConvEpilogue
) {
  (c + index).store8(epilogue.apply(sum, index: index, channel: channel, lanes: lanes), lanes: lanes)
}

/// c[p] = a[p] · b[p] for `count` independent products [m, k] · [k, n] → [m, n], all row-major
/// and packed one after another (a[p] at a + p·m·k, b[p] at b + p·k·n, c[p] at c + p·m·n),
/// split over the workers by product.
///
/// For the point GEMMs of Winograd's transform (36 products with k and n of 64 to 256 and m a
/// few hundred tiles), where OpenBLAS spends longer clearing C, packing and waking its second
/// thread than multiplying: on 36 × [512, 64] · [64, 64] it ran at 15–21 GFLOP/s on both cores,
/// this loop at 68–72 (and 63–70 where OpenBLAS reached 42–59 on the larger shapes).
public func batchedSmallGemm(
  count: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>
) {
  parallelFor(count) { product in
    smallGemm(m: m, n: n, k: k, a: a + product * m * k, b: b + product * k * n, c: c + product * m * n)
  }
}

/// c[m, n] = a[m, k] · b[k, n], row-major and packed. Four rows by sixteen columns of c sit in
/// eight ymm accumulators while k runs (Zen's sixteen registers hold them, two rows of b and a
/// broadcast); leftover rows take a one-row loop and leftover columns a scalar one.
func smallGemm(
  m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
) {
  let (fullRows, fullColumns) = (m - m % 4, n - n % 16)
  for row in stride(from: 0, to: fullRows, by: 4) {
    for column in stride(from: 0, to: fullColumns, by: 16) {
      fourRowsBySixteen(k: k, n: n, a: a + row * k, b: b + column, c: c + row * n + column)
    }
  }
  for row in fullRows..<m {
    for column in stride(from: 0, to: fullColumns, by: 16) {
      oneRowBySixteen(k: k, n: n, a: a + row * k, b: b + column, c: c + row * n + column)
    }
  }
  guard fullColumns < n else { return }
  for row in 0..<m {
    for column in fullColumns..<n {
      var sum: Float = 0
      for index in 0..<k { sum += a[row * k + index] * b[index * n + column] }
      c[row * n + column] = sum
    }
  }
}

/// c[0..<4, 0..<16] = a[0..<4, :] · b[:, 0..<16]; rows of a are k apart, of b and c n apart.
@inline(__always)
private func fourRowsBySixteen(
  k: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
) {
  var (c00, c01, c10, c11) = (Float8(), Float8(), Float8(), Float8())
  var (c20, c21, c30, c31) = (Float8(), Float8(), Float8(), Float8())
  let (a0, a1, a2, a3) = (a, a + k, a + 2 * k, a + 3 * k)
  for index in 0..<k {
    let (b0, b1) = ((b + index * n).load8(), (b + index * n + 8).load8())
    let (x0, x1) = (Float8(repeating: a0[index]), Float8(repeating: a1[index]))
    c00.addProduct(x0, b0)
    c01.addProduct(x0, b1)
    c10.addProduct(x1, b0)
    c11.addProduct(x1, b1)
    let (x2, x3) = (Float8(repeating: a2[index]), Float8(repeating: a3[index]))
    c20.addProduct(x2, b0)
    c21.addProduct(x2, b1)
    c30.addProduct(x3, b0)
    c31.addProduct(x3, b1)
  }
  c.store8(c00)
  (c + 8).store8(c01)
  (c + n).store8(c10)
  (c + n + 8).store8(c11)
  (c + 2 * n).store8(c20)
  (c + 2 * n + 8).store8(c21)
  (c + 3 * n).store8(c30)
  (c + 3 * n + 8).store8(c31)
}

/// c[0, 0..<16] = a[0, :] · b[:, 0..<16].
@inline(__always)
private func oneRowBySixteen(
  k: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
) {
  var (left, right) = (Float8(), Float8())
  for index in 0..<k {
    let x = Float8(repeating: a[index])
    left.addProduct(x, (b + index * n).load8())
    right.addProduct(x, (b + index * n + 8).load8())
  }
  c.store8(left)
  (c + 8).store8(right)
}

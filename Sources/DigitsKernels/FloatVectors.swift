/// Eight floats at a time, for loops LLVM does not vectorise by itself (conditional loads,
/// several output pointers it cannot prove disjoint, reductions). With AVX2 each is one ymm
/// register. `lanes` < 8 reads or writes only the first `lanes` floats (a row's tail).
public typealias Float8 = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
  /// self[0..<lanes], zeros after.
  @inline(__always)
  public func load8(lanes: Int = 8) -> Float8 {
    if lanes == 8 { return UnsafeRawPointer(self).loadUnaligned(as: Float8.self) }
    var vector = Float8()
    for lane in 0..<lanes { vector[lane] = self[lane] }
    return vector
  }
}

extension UnsafePointer where Pointee == Float {
  /// self[0], self[stride], … for `lanes` values, zeros after: eight rows' values of one column.
  @inline(__always)
  public func gather8(stride: Int, lanes: Int = 8) -> Float8 {
    var vector = Float8()
    for lane in 0..<lanes { vector[lane] = self[lane * stride] }
    return vector
  }
}

extension UnsafePointer where Pointee == Float {
  /// Up to 8 columns of the up to 8 rows `stride` apart at self, each as a vector down the rows
  /// (zeros past `rows`), column j into columns[j · columnStride]: a gather8 per column, but
  /// each row read once, contiguously, rather than once per column.
  @inline(__always)
  public func loadColumns8(
    rows: Int, stride: Int, columns count: Int, into columns: UnsafeMutablePointer<Float8>, columnStride: Int
  ) {
    guard rows == 8 && count == 8 else {
      for column in 0..<count {
        columns[column * columnStride] = (self + column).gather8(stride: stride, lanes: rows)
      }
      return
    }
    let (r0, r1, r2, r3) = (
      load8(), (self + stride).load8(), (self + 2 * stride).load8(), (self + 3 * stride).load8()
    )
    let (r4, r5, r6, r7) = (
      (self + 4 * stride).load8(), (self + 5 * stride).load8(), (self + 6 * stride).load8(),
      (self + 7 * stride).load8()
    )
    // The usual three rounds of two-source shuffles: within 128-bit halves, then across them.
    let (t0, t1) = (interleaved(r0, r1, from: 0), interleaved(r0, r1, from: 2))
    let (t2, t3) = (interleaved(r2, r3, from: 0), interleaved(r2, r3, from: 2))
    let (t4, t5) = (interleaved(r4, r5, from: 0), interleaved(r4, r5, from: 2))
    let (t6, t7) = (interleaved(r6, r7, from: 0), interleaved(r6, r7, from: 2))
    let (s0, s1, s2, s3) = (
      paired(t0, t2, from: 0), paired(t0, t2, from: 2), paired(t1, t3, from: 0), paired(t1, t3, from: 2)
    )
    let (s4, s5, s6, s7) = (
      paired(t4, t6, from: 0), paired(t4, t6, from: 2), paired(t5, t7, from: 0), paired(t5, t7, from: 2)
    )
    columns[0] = Float8(lowHalf: s0.lowHalf, highHalf: s4.lowHalf)
    columns[columnStride] = Float8(lowHalf: s1.lowHalf, highHalf: s5.lowHalf)
    columns[2 * columnStride] = Float8(lowHalf: s2.lowHalf, highHalf: s6.lowHalf)
    columns[3 * columnStride] = Float8(lowHalf: s3.lowHalf, highHalf: s7.lowHalf)
    columns[4 * columnStride] = Float8(lowHalf: s0.highHalf, highHalf: s4.highHalf)
    columns[5 * columnStride] = Float8(lowHalf: s1.highHalf, highHalf: s5.highHalf)
    columns[6 * columnStride] = Float8(lowHalf: s2.highHalf, highHalf: s6.highHalf)
    columns[7 * columnStride] = Float8(lowHalf: s3.highHalf, highHalf: s7.highHalf)
  }
}

/// (a[i], b[i], a[i + 1], b[i + 1] | the same 4 on): unpacklo (i = 0) or unpackhi (i = 2)
/// within each 128-bit half.
@inline(__always)
private func interleaved(_ a: Float8, _ b: Float8, from i: Int) -> Float8 {
  Float8(a[i], b[i], a[i + 1], b[i + 1], a[i + 4], b[i + 4], a[i + 5], b[i + 5])
}

/// (a[i], a[i + 1], b[i], b[i + 1] | the same 4 on): shufps within each 128-bit half.
@inline(__always)
private func paired(_ a: Float8, _ b: Float8, from i: Int) -> Float8 {
  Float8(a[i], a[i + 1], b[i], b[i + 1], a[i + 4], a[i + 5], b[i + 4], b[i + 5])
}

extension UnsafeMutablePointer where Pointee == Float {
  @inline(__always)
  public func load8(lanes: Int = 8) -> Float8 { UnsafePointer(self).load8(lanes: lanes) }

  /// Writes vector[0..<lanes] to self[0..<lanes].
  @inline(__always)
  public func store8(_ vector: Float8, lanes: Int = 8) {
    if lanes == 8 {
      UnsafeMutableRawPointer(self).storeBytes(of: vector, as: Float8.self)
      return
    }
    for lane in 0..<lanes { self[lane] = vector[lane] }
  }
}

/// Calls `body(start, lanes)` for each group of 8 in `range` (the last may be shorter).
/// The full groups pass a constant 8, so where `body` inlines, its loads and stores lose their
/// per-group `lanes` checks; the tail gets a copy of its own.
@inline(__always)
public func forEachGroupOf8(_ range: Range<Int>, _ body: (Int, Int) -> Void) {
  var start = range.lowerBound
  while start + 8 <= range.upperBound {
    body(start, 8)
    start += 8
  }
  if start < range.upperBound { body(start, range.upperBound - start) }
}

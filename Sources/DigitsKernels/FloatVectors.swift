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

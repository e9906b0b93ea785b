import DigitsKernels
import TestSupport
import Testing

/// `loadColumns8` turns a block of rows on its side: column j as the vector of the rows' j-th
/// values (zeros past the rows), for a full 8x8 block (the shuffles) and for blocks short of
/// rows or columns.
@Suite struct FloatVectorsTests {
  @Test(arguments: [(8, 8), (8, 3), (5, 8), (2, 7)])
  func eachColumnHoldsTheRowsValues(rows: Int, columns: Int) {
    var random = TestRandom(seed: 31)
    let stride = 19
    let matrix = random.floats(8 * stride)
    let columnStride = 3
    var loaded = [Float8](repeating: Float8(repeating: .nan), count: 8 * columnStride)
    matrix.withUnsafeBufferPointer { source in
      loaded.withUnsafeMutableBufferPointer { target in
        (source.baseAddress! + 5).loadColumns8(
          rows: rows, stride: stride, columns: columns, into: target.baseAddress!, columnStride: columnStride)
      }
    }
    for column in 0..<columns {
      let expected = Float8((0..<8).map { row in row < rows ? matrix[5 + column + row * stride] : 0 })
      #expect(loaded[column * columnStride] == expected, "column \(column)")
    }
  }
}

import DigitsKernels
import Testing

/// The gradient check behind "training diverged: a gradient is not finite": every position
/// (vector body, scalar tail, each worker's part) and every non-finite kind is caught, and the
/// largest finite values are not.
@Suite struct FiniteTests {
  @Test(arguments: [0, 1, 7, 8, 9, 65_536 * 2 + 13])
  func finiteValuesPass(count: Int) {
    var values = (0..<count).map { Float($0 % 97) - 48 }
    if count > 2 {
      values[0] = .greatestFiniteMagnitude
      values[count - 1] = -.greatestFiniteMagnitude
      values[count / 2] = .leastNonzeroMagnitude
    }
    #expect(allFinite(values, count: count))
  }

  @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
  func anyNonFiniteValueIsCaught(bad: Float) {
    for count in [1, 8, 13, 65_536 * 2 + 13] {
      for position in Set([0, count / 2, count - 1, max(0, count - 5), min(count - 1, 8)]) {
        var values = [Float](repeating: 1, count: count)
        values[position] = bad
        #expect(!allFinite(values, count: count), "\(bad) at \(position) of \(count)")
      }
    }
  }
}

/// The last step of a transformed conv's weight gradient (Winograd and the 2x2-map form): per
/// (filter, channel), the side x side grid of transformed gradients dU[point][OC, C] goes back to
/// the 3x3 kernel through `axis` (the weight transform's transpose) along columns, then rows, and
/// adds to gradWeight [OC, 3, 3, C]. Points are row-major: point = side · i + j.
@inline(__always)
func accumulateBackTransformedWeightGradient(
  _ gradWeight: UnsafeMutablePointer<Float>, from gradTransformed: UnsafePointer<Float>, side: Int,
  outChannels oc: Int, inChannels c: Int,
  axis: (UnsafePointer<Float8>, Int, UnsafeMutablePointer<Float8>, Int) -> Void
) {
  let points = side * side
  parallelFor(oc) { filter in
    withUnsafeTemporaryAllocation(of: Float8.self, capacity: points + 3 * side + 9) { scratch in
      let grid = scratch.baseAddress!
      let (half, taps) = (grid + points, grid + points + 3 * side)
      forEachGroupOf8(0..<c) { channel, lanes in
        for point in 0..<points {
          grid[point] = (gradTransformed + (point * oc + filter) * c + channel).load8(lanes: lanes)
        }
        for column in 0..<side { axis(grid + column, side, half + column, side) }  // [3, side]
        for row in 0..<3 { axis(half + side * row, 1, taps + 3 * row, 1) }  // [3, 3]
        for tap in 0..<9 {
          let destination = gradWeight + (filter * 9 + tap) * c + channel
          destination.store8(destination.load8(lanes: lanes) + taps[tap], lanes: lanes)
        }
      }
    }
  }
}

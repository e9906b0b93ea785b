/// The weight gradient of a Winograd F(4x4, 3x3) conv (see Winograd.swift) by the transposed
/// transforms: per tile dM = A·dY·Aᵀ (a 4x4 block of the output gradient, zeros past the map,
/// to 6x6), dU[e] = Σ over tiles dM[e]ᵀ·V[e] (36 GEMMs over the tiles), then
/// dW += Gᵀ·dU·G. 36 multiplies per tile and channel pair instead of im2col's 144 per 4x4 block.
///
/// gradOutput [N, H, W, OC], input [N, H, W, C] → gradWeight [OC, 3, 3, C] (accumulated).
/// `workspace` holds `g.convolutionWorkspaceCount` floats: dU [36, OC, C], V and dM per pass.
public func winogradWeightGradient(
  gradWeight: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let (c, oc, chunk) = (g.inChannels, g.outChannels, g.winogradWeightGradientChunkTiles)
  let gradTransformedWeight = workspace
  let transformedInput = gradTransformedWeight + 36 * oc * c
  let gradProducts = transformedInput + 36 * chunk * c
  for start in stride(from: 0, to: g.winogradTiles, by: chunk) {
    let tiles = start..<min(start + chunk, g.winogradTiles)
    winogradInputTransform(transformedInput, input, g, tiles: tiles)
    winogradGradOutputTransform(gradProducts, gradOutput, g, tiles: tiles)
    // dU[e][OC, C] (+)= dM[e][tiles, OC]ᵀ · V[e][tiles, C] for each of the 36 points e.
    batchedSmallGemm(
      count: 36, m: oc, n: c, k: tiles.count, a: gradProducts, transposeA: true, b: transformedInput,
      c: gradTransformedWeight, accumulate: start > 0)
  }
  // dW[oc, :, :, c] += Gᵀ · dU[:][oc, c] · G.
  accumulateBackTransformedWeightGradient(
    gradWeight, from: gradTransformedWeight, side: 6, outChannels: oc, inChannels: c,
    axis: kernelTransformTransposed)
}

extension ConvGeometry {
  /// Tiles per pass of the weight gradient: as many as fit where im2col's matrix would have been
  /// (usually all: 36 points per 16 pixels of C + OC floats, against 9·C per pixel), since each
  /// pass is 36 GEMMs whose thread wake-ups cost more than the cache misses of a larger pass.
  public var winogradWeightGradientChunkTiles: Int {
    let fitting =
      (max(columnMatrixCount, winogradWorkspaceCount) / 36 - outChannels * inChannels)
      / (inChannels + outChannels)
    return min(winogradTiles, max(winogradChunkTiles, fitting))
  }
}

/// dM[e = 6·i + j][tile - tiles.lowerBound, oc] = (A dY Aᵀ)[i, j] for each tile in `tiles`,
/// dY the 4x4 block of gradOutput whose top-left is (4·ty, 4·tx), zeros past the map.
func winogradGradOutputTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ gradOutput: UnsafePointer<Float>, _ g: ConvGeometry,
  tiles range: Range<Int>
) {
  let (oc, tiles) = (g.outChannels, range.count)
  parallelFor(tiles) { local in
    let (n, ty, tx) = g.winogradTile(range.lowerBound + local)
    let image = gradOutput + n * g.outHeight * g.outWidth * oc
    withUnsafeTemporaryAllocation(of: Float8.self, capacity: 16 + 24 + 36) { scratch in
      let (block, half, full) = (scratch.baseAddress!, scratch.baseAddress! + 16, scratch.baseAddress! + 40)
      forEachGroupOf8(0..<oc) { channel, lanes in
        for row in 0..<4 {
          let y = 4 * ty + row
          for column in 0..<4 {
            let x = 4 * tx + column
            block[4 * row + column] =
              y < g.outHeight && x < g.outWidth
              ? (image + (y * g.outWidth + x) * oc + channel).load8(lanes: lanes) : Float8()
          }
        }
        for column in 0..<4 { outputTransformTransposed(block + column, 4, half + column, 4) }  // [6, 4]
        for row in 0..<6 { outputTransformTransposed(half + 4 * row, 1, full + 6 * row, 1) }  // [6, 6]
        for point in 0..<36 {
          (transformed + (point * tiles + local) * oc + channel).store8(full[point], lanes: lanes)
        }
      }
    }
  }
}

/// m = A·dy for a 4-vector dy into a 6-vector m (the transpose of `outputTransform`).
@inline(__always)
private func outputTransformTransposed(
  _ dy: UnsafePointer<Float8>, _ from: Int, _ m: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (d0, d1, d2, d3) = (dy[0], dy[from], dy[2 * from], dy[3 * from])
  let (evenSum, oddSum) = (d0 + d2, d1 + d3)
  let (evenScaled, oddScaled) = (d0 + 4 * d2, 2 * d1 + 8 * d3)
  m[0] = d0
  m[to] = evenSum + oddSum
  m[2 * to] = evenSum - oddSum
  m[3 * to] = evenScaled + oddScaled
  m[4 * to] = evenScaled - oddScaled
  m[5 * to] = d3
}

/// dg = Gᵀ·du for a 6-vector du into a 3-vector dg (the transpose of `kernelTransform`).
@inline(__always)
private func kernelTransformTransposed(
  _ du: UnsafePointer<Float8>, _ from: Int, _ dg: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (u0, u1, u2, u3, u4, u5) = (du[0], du[from], du[2 * from], du[3 * from], du[4 * from], du[5 * from])
  let (quarter, sixth, twelfth, twentyFourth): (Float, Float, Float, Float) = (0.25, 1 / 6, 1 / 12, 1 / 24)
  let (sum12, difference12, sum34, difference34) = (u1 + u2, u2 - u1, u3 + u4, u3 - u4)
  dg[0] = u0 * quarter - sum12 * sixth + sum34 * twentyFourth
  dg[to] = difference12 * sixth + difference34 * twelfth
  dg[2 * to] = (sum34 - sum12) * sixth + u5
}

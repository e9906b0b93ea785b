/// 3x3, stride-1, padding-1 convolution by Winograd's minimal filtering F(4x4, 3x3) (Lavin &
/// Gray 2015): each 4x4 block of output comes from a 6x6 patch of input with 36 multiplies per
/// (input, output) channel pair instead of 144. On ResNet's 7x7 and 4x4 maps (2x2 and 1 tiles)
/// that is 3.1x and 4x fewer multiply-adds than im2col + GEMM, which multiplies the padding too
/// (2.5x and 2.8x fewer than the taps inside the map).
/// The 36 products are 36 GEMMs per block of tiles, each worker taking its blocks through all
/// three steps while they are in its cache (the weight gradient: 36 GEMMs over all tiles).
///
/// Transforms (points 0, ±1, ±2, ∞): U = G g Gᵀ (weights), V = Bᵀ d B (input), Y = Aᵀ M A.
extension ConvGeometry {
  var winogradTilesHigh: Int { (outHeight + 3) / 4 }
  var winogradTilesWide: Int { (outWidth + 3) / 4 }
  /// Tiles over the whole batch: the rows of each of the 36 GEMMs.
  public var winogradTiles: Int { batch * winogradTilesHigh * winogradTilesWide }

  /// The image and tile row and column of tile number `tile` (image-major, then row-major).
  @inline(__always)
  func winogradTile(_ tile: Int) -> (image: Int, row: Int, column: Int) {
    (
      tile / (winogradTilesHigh * winogradTilesWide), (tile / winogradTilesWide) % winogradTilesHigh,
      tile % winogradTilesWide
    )
  }

  /// The least tiles per pass of the weight gradient (see `winogradWeightGradientChunkTiles`):
  /// V and dM for that many take about 4 MB, but at least 512 (a training batch of 128 on 7x7
  /// maps): each pass is 36 GEMMs, and below that their threads' wake-ups cost more than the
  /// cache misses.
  public var winogradChunkTiles: Int {
    min(winogradTiles, max(512, (1 << 20) / (36 * (inChannels + outChannels))))
  }

  /// Tiles a worker takes through input transform, GEMMs and output transform at a time: 24, or
  /// fewer (a multiple of 8, the GEMM kernel's rows) where V and M for them would pass 768 KB,
  /// so that they stay in the worker's L2 between the three steps.
  public var winogradBlockTiles: Int {
    max(8, min(24, (3 << 16) / (36 * (inChannels + outChannels)) / 8 * 8))
  }

  /// Floats of scratch: U [36, C, OC], then V [36, tiles, C] and M [36, tiles, OC] for a block
  /// per worker (`Workers.count` where the conv runs), or the weight gradient's first pass.
  public var winogradWorkspaceCount: Int {
    transformedConvWorkspaceCount(
      points: 36, passItems: winogradChunkTiles, block: winogradBlockTiles, inChannels: inChannels,
      outChannels: outChannels)
  }
}

/// input [N, H, W, C], weight [OC, 3, 3, C] → output [N, H, W, OC], each value through
/// `epilogue` (a bias, a residual, ReLU) as the output transform stores it.
public func winogradConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, epilogue: ConvEpilogue,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  winogradWeightTransform(workspace, weight, outChannels: g.outChannels, inChannels: g.inChannels)
  winogradTransformedConv(output: output, input: input, epilogue: epilogue, geometry: g, workspace: workspace)
}

/// The Winograd conv with its transformed weight U [36, C, OC] already at the start of
/// `workspace`, by blocks of `winogradBlockTiles` tiles (see `transformedConvByBlocks`).
func winogradTransformedConv(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, epilogue: ConvEpilogue,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  transformedConvByBlocks(
    points: 36, items: g.winogradTiles, block: g.winogradBlockTiles, inChannels: g.inChannels,
    outChannels: g.outChannels, workspace: workspace,
    inputTransform: { transformed, tiles in
      for local in 0..<tiles.count {
        winogradInputTransform(transformed, input, g, tiles: tiles, local: local)
      }
    },
    outputTransform: { products, tiles in
      for local in 0..<tiles.count {
        winogradOutputTransform(output, products, epilogue, g, tiles: tiles, local: local)
      }
    })
}

/// U[e = 6·i + j][c, oc] = (G g Gᵀ)[i, j] for g = weight[oc, :, :, c]: each point's matrix
/// [C, OC], the right-hand operand of its GEMM as `batchedSmallGemm` takes it. Eight filters by
/// eight channels at a time, turned on their side as they load (`loadColumns8`), so that the 36
/// stores are runs of eight (stores scattered over 8 rows had made this 0.9% of a ResNet50
/// training step) and each cache line of the weight is read once, not once per channel.
///
/// `flipped`: U'[e][oc, c] for g = weight[oc, 2 - ky, 2 - kx, c] instead, the transformed weight
/// of the input gradient's conv (the kernel flipped, its channel axes swapped): the same
/// arithmetic per element as on a flipped copy, so the same bits, along the channels as they lie
/// (contiguous loads, no copy).
func winogradWeightTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ weight: UnsafePointer<Float>, outChannels: Int,
  inChannels: Int, flipped: Bool = false
) {
  let (outer, inner) = flipped ? (outChannels, inChannels) : (inChannels, outChannels)
  parallelFor((outer + 7) / 8) { block in
    let (first, majors) = (8 * block, min(8, outer - 8 * block))
    withUnsafeTemporaryAllocation(of: Float8.self, capacity: 72 + 18 + 36) { scratch in
      let (taps, half, full) = (scratch.baseAddress!, scratch.baseAddress! + 72, scratch.baseAddress! + 90)
      forEachGroupOf8(0..<inner) { minor, lanes in
        // taps[9 · m + tap]: eight filters' (or channels') values of major first + m.
        for tap in 0..<9 {
          if flipped {
            for m in 0..<majors {
              taps[9 * m + tap] = (weight + ((first + m) * 9 + 8 - tap) * inChannels + minor).load8(
                lanes: lanes)
            }
          } else {
            (weight + (minor * 9 + tap) * inChannels + first).loadColumns8(
              rows: lanes, stride: 9 * inChannels, columns: majors, into: taps + tap, columnStride: 9)
          }
        }
        for m in 0..<majors {
          for column in 0..<3 { kernelTransform(taps + 9 * m + column, 3, half + column, 3) }  // G g: [6, 3]
          for row in 0..<6 { kernelTransform(half + 3 * row, 1, full + 6 * row, 1) }  // (G g) Gᵀ: [6, 6]
          for point in 0..<36 {
            (transformed + (point * outer + first + m) * inner + minor).store8(full[point], lanes: lanes)
          }
        }
      }
    }
  }
}

/// V[e = 6·i + j][tile - tiles.lowerBound, c] = (Bᵀ d B)[i, j] for each tile in `tiles`, d the
/// 6x6 patch whose top-left is (4·ty - 1, 4·tx - 1), zeros outside the image.
func winogradInputTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ g: ConvGeometry,
  tiles range: Range<Int>
) {
  parallelFor(range.count) { local in
    winogradInputTransform(transformed, input, g, tiles: range, local: local)
  }
}

/// The input transform of tile `tiles.lowerBound + local` alone.
@inline(__always)
func winogradInputTransform(
  _ transformed: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ g: ConvGeometry,
  tiles range: Range<Int>, local: Int
) {
  let (c, tiles) = (g.inChannels, range.count)
  let (n, ty, tx) = g.winogradTile(range.lowerBound + local)
  let image = input + n * g.inHeight * g.inWidth * c
  withUnsafeTemporaryAllocation(of: Float8.self, capacity: 72) { scratch in
    let (patch, half) = (scratch.baseAddress!, scratch.baseAddress! + 36)
    forEachGroupOf8(0..<c) { channel, lanes in
      for row in 0..<6 {
        let y = 4 * ty - 1 + row
        for column in 0..<6 {
          let x = 4 * tx - 1 + column
          let inside = y >= 0 && y < g.inHeight && x >= 0 && x < g.inWidth
          patch[6 * row + column] =
            inside ? (image + (y * g.inWidth + x) * c + channel).load8(lanes: lanes) : Float8()
        }
      }
      for column in 0..<6 { inputTransform(patch + column, 6, half + column, 6) }  // Bᵀ d
      for row in 0..<6 { inputTransform(half + 6 * row, 1, patch + 6 * row, 1) }  // (Bᵀ d) B
      for point in 0..<36 {
        (transformed + (point * tiles + local) * c + channel).store8(patch[point], lanes: lanes)
      }
    }
  }
}

/// output[n, 4·ty + i, 4·tx + j, oc] = epilogue((Aᵀ M A)[i, j]) for tile `tiles.lowerBound + local`
/// (M's rows counted from tiles.lowerBound), for the pixels inside the map.
@inline(__always)
func winogradOutputTransform(
  _ output: UnsafeMutablePointer<Float>, _ products: UnsafePointer<Float>, _ epilogue: ConvEpilogue,
  _ g: ConvGeometry, tiles range: Range<Int>, local: Int
) {
  let (oc, tiles) = (g.outChannels, range.count)
  let (n, ty, tx) = g.winogradTile(range.lowerBound + local)
  let imageStart = n * g.outHeight * g.outWidth * oc
  withUnsafeTemporaryAllocation(of: Float8.self, capacity: 36 + 24 + 16) { scratch in
    let (full, half, block) = (scratch.baseAddress!, scratch.baseAddress! + 36, scratch.baseAddress! + 60)
    forEachGroupOf8(0..<oc) { channel, lanes in
      for point in 0..<36 {
        full[point] = (products + (point * tiles + local) * oc + channel).load8(lanes: lanes)
      }
      for column in 0..<6 { outputTransform(full + column, 6, half + column, 6) }  // Aᵀ M: [4, 6]
      for row in 0..<4 { outputTransform(half + 6 * row, 1, block + 4 * row, 1) }  // (Aᵀ M) A: [4, 4]
      for row in 0..<4 where 4 * ty + row < g.outHeight {
        for column in 0..<4 where 4 * tx + column < g.outWidth {
          let index = imageStart + ((4 * ty + row) * g.outWidth + 4 * tx + column) * oc + channel
          (output + index).store8(
            epilogue.apply(block[4 * row + column], index: index, channel: channel, lanes: lanes),
            lanes: lanes)
        }
      }
    }
  }
}

/// u = G·g for a 3-vector g (stride `from`) into a 6-vector u (stride `to`).
@inline(__always)
private func kernelTransform(
  _ g: UnsafePointer<Float8>, _ from: Int, _ u: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (g0, g1, g2) = (g[0], g[from], g[2 * from])
  let (quarter, sixth, twelfth, twentyFourth): (Float, Float, Float, Float) = (0.25, 1 / 6, 1 / 12, 1 / 24)
  let outer: Float8 = g0 * twentyFourth + g2 * sixth
  let middle: Float8 = g1 * twelfth
  u[0] = g0 * quarter
  u[to] = (g0 + g1 + g2) * -sixth
  u[2 * to] = (g0 - g1 + g2) * -sixth
  u[3 * to] = outer + middle
  u[4 * to] = outer - middle
  u[5 * to] = g2
}

/// v = Bᵀ·d for a 6-vector d.
@inline(__always)
private func inputTransform(
  _ d: UnsafePointer<Float8>, _ from: Int, _ v: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (d0, d1, d2, d3, d4, d5) = (d[0], d[from], d[2 * from], d[3 * from], d[4 * from], d[5 * from])
  v[0] = 4 * d0 - 5 * d2 + d4
  v[to] = d3 + d4 - 4 * (d1 + d2)
  v[2 * to] = d4 - d3 + 4 * (d1 - d2)
  v[3 * to] = d4 - d2 + 2 * (d3 - d1)
  v[4 * to] = d4 - d2 + 2 * (d1 - d3)
  v[5 * to] = 4 * d1 - 5 * d3 + d5
}

/// y = Aᵀ·m for a 6-vector m into a 4-vector y.
@inline(__always)
private func outputTransform(
  _ m: UnsafePointer<Float8>, _ from: Int, _ y: UnsafeMutablePointer<Float8>, _ to: Int
) {
  let (m0, m1, m2, m3, m4, m5) = (m[0], m[from], m[2 * from], m[3 * from], m[4 * from], m[5 * from])
  let (sum12, difference12, sum34, difference34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
  y[0] = m0 + sum12 + sum34
  y[to] = difference12 + 2 * difference34
  y[2 * to] = sum12 + 4 * sum34
  y[3 * to] = difference12 + 8 * difference34 + m5
}

/// The forward pass of a transformed conv (Winograd, the 2x2 map) whose transformed weight
/// U [points, C, OC] is at the start of `workspace`: the `items` (tiles, images) go in blocks of
/// `block`, and each worker takes its blocks through `inputTransform` (writing V [points, block
/// items, C]), the points' GEMMs M[e] = V[e] · U[e], and `outputTransform` (reading M [points,
/// block items, OC]) in a scratch of its own after U, with no wait between the steps, so V and
/// M stay in its cache. Each output sums its products in the order one GEMM over all items
/// would, so the blocks do not change a bit.
///
/// `workspace` holds U and `transformedConvBlockFloats` floats per worker.
func transformedConvByBlocks(
  points: Int, items: Int, block: Int, inChannels c: Int, outChannels oc: Int,
  workspace: UnsafeMutablePointer<Float>,
  inputTransform: (_ transformed: UnsafeMutablePointer<Float>, _ items: Range<Int>) -> Void,
  outputTransform: (_ products: UnsafePointer<Float>, _ items: Range<Int>) -> Void
) {
  let transformedWeight = UnsafePointer(workspace)
  let blocks = (items + block - 1) / block
  parallelWorkerChunks(blocks, grain: 1) { worker, range in
    let transformedInput =
      workspace + points * c * oc + worker * transformedConvBlockFloats(points, block, c, oc)
    let products = transformedInput + points * block * c
    for index in range {
      let part = index * block..<min(index * block + block, items)
      inputTransform(transformedInput, part)
      for point in 0..<points {
        smallGemm(
          m: part.count, n: oc, k: c, a: transformedInput + point * part.count * c, rowStride: c,
          depthStride: 1, b: transformedWeight + point * c * oc, c: products + point * part.count * oc,
          epilogue: ConvEpilogue())
      }
      outputTransform(products, part)
    }
  }
}

/// Floats of V and M for one block of `block` items.
func transformedConvBlockFloats(_ points: Int, _ block: Int, _ c: Int, _ oc: Int) -> Int {
  points * block * (c + oc)
}

/// Floats of a transformed conv's workspace: U [points, C, OC], then the larger of V and M (or
/// dM) for `passItems` items (the weight gradient's pass) and a block per worker for
/// `transformedConvByBlocks`, counting the `Workers.count` in effect where this is read (the
/// conv must run with no more workers than that).
func transformedConvWorkspaceCount(
  points: Int, passItems: Int, block: Int, inChannels c: Int, outChannels oc: Int
)
  -> Int
{
  let blocks = Workers.count * transformedConvBlockFloats(points, block, c, oc)
  return points * oc * c + max(points * passItems * (c + oc), blocks)
}

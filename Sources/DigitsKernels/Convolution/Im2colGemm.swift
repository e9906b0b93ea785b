/// Unfolds NHWC input into the im2col matrix.
/// input: [N, H, W, C] → columns: [N·OH·OW, KH·KW·C], zeros where a tap falls in the padding.
public func im2col(
  _ columns: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ g: ConvGeometry
) {
  let (oh, ow, c) = (g.outHeight, g.outWidth, g.inChannels)
  let width = g.columnWidth
  parallelFor(g.batch * oh) { rowBlock in
    let n = rowBlock / oh
    let y = rowBlock % oh
    let image = input + n * g.inHeight * g.inWidth * c
    for x in 0..<ow {
      var dst = columns + ((n * oh + y) * ow + x) * width
      for ky in 0..<g.kernelHeight {
        let iy = y * g.strideHeight - g.padHeight + ky
        let rowInside = iy >= 0 && iy < g.inHeight
        for kx in 0..<g.kernelWidth {
          let ix = x * g.strideWidth - g.padWidth + kx
          let inside = rowInside && ix >= 0 && ix < g.inWidth
          if c == 1 {
            // The stem's single channel: one float, not a memcpy call per tap.
            dst.pointee = inside ? image[iy * g.inWidth + ix] : 0
          } else if inside {
            dst.update(from: image + (iy * g.inWidth + ix) * c, count: c)
          } else {
            dst.update(repeating: 0, count: c)
          }
          dst += c
        }
      }
    }
  }
}

/// Folds im2col gradients back onto the input, summing overlapping taps.
/// columns: [N·OH·OW, KH·KW·C] → gradInput: [N, H, W, C] (overwritten, or added to with
/// `accumulate`).
public func col2im(
  _ gradInput: UnsafeMutablePointer<Float>, _ columns: UnsafePointer<Float>, _ g: ConvGeometry,
  accumulate: Bool = false
) {
  let (oh, ow, c) = (g.outHeight, g.outWidth, g.inChannels)
  let width = g.columnWidth
  let imageCount = g.inHeight * g.inWidth * c
  // One worker per image: taps of different images never overlap.
  parallelFor(g.batch) { n in
    let image = gradInput + n * imageCount
    if !accumulate { image.update(repeating: 0, count: imageCount) }
    for y in 0..<oh {
      for x in 0..<ow {
        var src = columns + ((n * oh + y) * ow + x) * width
        for ky in 0..<g.kernelHeight {
          let iy = y * g.strideHeight - g.padHeight + ky
          let rowInside = iy >= 0 && iy < g.inHeight
          for kx in 0..<g.kernelWidth {
            let ix = x * g.strideWidth - g.padWidth + kx
            if rowInside && ix >= 0 && ix < g.inWidth {
              let dst = image + (iy * g.inWidth + ix) * c
              for channel in 0..<c { dst[channel] += src[channel] }
            }
            src += c
          }
        }
      }
    }
  }
}

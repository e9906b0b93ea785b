/// One gray byte per pixel from stb_image's interleaved 1 to 4 channels (gray, gray+alpha, RGB,
/// RGBA). Luminance is ITU-R BT.601 in PIL's fixed point (an RGB gray stays exactly that gray);
/// alpha is composited over white, so a transparent canvas reads as paper.
func grayscale(
  _ source: UnsafePointer<UInt8>, channels: Int, count: Int, into gray: UnsafeMutablePointer<UInt8>
) {
  for i in 0..<count {
    let pixel = source + i * channels
    let value: UInt32 =
      channels >= 3
      ? (UInt32(pixel[0]) * 19595 + UInt32(pixel[1]) * 38470 + UInt32(pixel[2]) * 7471 + 0x8000) >> 16
      : UInt32(pixel[0])
    let hasAlpha = channels == 2 || channels == 4
    gray[i] = UInt8(hasAlpha ? overWhite(value, alpha: UInt32(pixel[channels - 1])) : value)
  }
}

@inline(__always)
private func overWhite(_ value: UInt32, alpha: UInt32) -> UInt32 {
  (value * alpha + 255 * (255 - alpha) + 127) / 255
}

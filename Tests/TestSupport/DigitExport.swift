/// A 28x28 MNIST digit (white on black) as someone would photograph or scan it: enlarged
/// `factor` times (each pixel a factor x factor block) and, when `darkOnLight`, inverted to dark
/// ink on white paper. RGB, interleaved, (side * factor)^2 * 3 bytes.
public func exportedDigit(
  _ pixels: ArraySlice<UInt8>, side: Int = 28, factor: Int = 4, darkOnLight: Bool = true
) -> [UInt8] {
  precondition(pixels.count == side * side, "\(pixels.count) pixels, not \(side)x\(side)")
  var rgb: [UInt8] = []
  rgb.reserveCapacity(side * side * factor * factor * 3)
  for y in 0..<side {
    let row = pixels[(pixels.startIndex + y * side)..<(pixels.startIndex + (y + 1) * side)]
    let wide = row.flatMap { value in
      repeatElement(darkOnLight ? 255 - value : value, count: 3 * factor)
    }
    for _ in 0..<factor { rgb += wide }
  }
  return rgb
}

// libFuzzer target for image import (Sources/DigitsImaging): the bytes of a file given to
// `digits predict` are decoded (stb_image for PNG and JPEG, the Swift reader for PGM/PPM) and,
// when they decode, prepared as MNIST was. Built and run by scripts/fuzz.sh. A thrown ImageError
// is the expected outcome for bad input; a trap or a sanitizer report is a bug.
import DigitsImaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let image = try DigitImage(encoded: bytes, name: "fuzz.png")
    let pixels = image.mnistPixels()
    if pixels.count != DigitImage.mnistSide * DigitImage.mnistSide {
      fatalError("mnistPixels gave \(pixels.count) pixels")
    }
  } catch {
    _ = "\(error)"
  }
  return 0
}

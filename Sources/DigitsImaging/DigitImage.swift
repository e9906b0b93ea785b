/// An 8-bit grayscale image as it would be displayed (0 black, 255 white), row-major: what every
/// supported file decodes to before the MNIST-style preprocessing.
public struct DigitImage: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public let pixels: [UInt8]

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "empty image \(width)x\(height)")
    precondition(pixels.count == width * height, "\(pixels.count) pixels for \(width)x\(height)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}

/// Per-channel normalisation applied to pixels scaled to [0, 1]: (x - mean) / std. Stored in
/// checkpoints so that inference normalises exactly as training did.
public struct Normalization: Codable, Equatable, Sendable {
  public var mean: Float
  public var std: Float

  public init(mean: Float, std: Float) {
    self.mean = mean
    self.std = std
  }

  /// The mean and standard deviation of the MNIST training pixels.
  public static let mnist = Normalization(mean: 0.1307, std: 0.3081)

  public func apply(_ pixel: UInt8) -> Float {
    (Float(pixel) / 255 - mean) / std
  }

  /// All 256 normalised values, so that a batch fill is one table lookup per pixel.
  public var lookupTable: [Float] {
    (0...255).map { apply(UInt8($0)) }
  }
}

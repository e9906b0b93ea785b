/// Shapes of one 2-D convolution over NHWC activations with weights [outC, kH, kW, inC].
public struct ConvGeometry: Equatable, Sendable {
  public var batch: Int
  public var inHeight: Int, inWidth: Int, inChannels: Int
  public var outChannels: Int
  public var kernelHeight: Int, kernelWidth: Int
  public var strideHeight: Int, strideWidth: Int
  public var padHeight: Int, padWidth: Int

  public init(
    batch: Int, inHeight: Int, inWidth: Int, inChannels: Int, outChannels: Int,
    kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
  ) {
    self.batch = batch
    self.inHeight = inHeight
    self.inWidth = inWidth
    self.inChannels = inChannels
    self.outChannels = outChannels
    (kernelHeight, kernelWidth) = kernel
    (strideHeight, strideWidth) = stride
    (padHeight, padWidth) = padding
  }

  /// PyTorch's output size: floor((in + 2 * pad - kernel) / stride) + 1.
  public var outHeight: Int { (inHeight + 2 * padHeight - kernelHeight) / strideHeight + 1 }
  public var outWidth: Int { (inWidth + 2 * padWidth - kernelWidth) / strideWidth + 1 }

  /// Rows of the im2col matrix: one per output pixel.
  public var columnRows: Int { batch * outHeight * outWidth }
  /// Columns of the im2col matrix, in weight order (ky, kx, c).
  public var columnWidth: Int { kernelHeight * kernelWidth * inChannels }
  public var inputCount: Int { batch * inHeight * inWidth * inChannels }
  public var outputCount: Int { columnRows * outChannels }
  public var weightCount: Int { outChannels * columnWidth }

  /// A 1x1, stride-1, unpadded conv reads its input as the im2col matrix directly.
  public var isPointwise: Bool {
    kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
      && padHeight == 0 && padWidth == 0
  }
}

/// How a convolution is computed: `ConvGeometry.algorithm` picks one per geometry, and
/// `conv2dForward`, `conv2dBackward`, `foldedConvForward` and `convolutionWorkspaceCount` switch
/// over it. Each case's forward and backward live in the file of its name under
/// Sources/DigitsKernels/Convolution (the two GEMM cases in Im2colGemm.swift).
public enum ConvAlgorithm: String, CaseIterable, Sendable {
  /// One OpenBLAS GEMM over the im2col matrix (the input unfolded, padding taps included).
  /// Backward: weight gradient by a GEMM over the same matrix; input gradient by a GEMM into
  /// gradient columns folded back by col2im, or for stride 1 as a conv of the flipped kernel.
  case im2colGemm
  /// A 1x1, stride-1, unpadded conv: one OpenBLAS GEMM that reads the input as the im2col
  /// matrix, and one GEMM per gradient likewise.
  case pointwiseGemm
  /// A pointwise conv with small weights by our register-blocked GEMM, with the epilogue
  /// applied as it stores; the input gradient likewise, the weight gradient too where OC >= C
  /// (else by OpenBLAS).
  case smallPointwise
  /// Winograd F(4x4, 3x3); the weight gradient by the transposed transforms, the input
  /// gradient as a Winograd conv of the flipped kernel.
  case winograd
  /// 3x3 on a 2x2 map with 9 products per channel pair; the weight gradient by the transposed
  /// transforms, the input gradient as a 2x2-map conv of the flipped kernel.
  case twoByTwoMap
  /// A direct loop over the taps for one input channel (the stem); the weight gradient by
  /// im2col + GEMM.
  case singleChannelDirect
  /// One GEMM over the batch per output pixel and kernel row, over the taps inside the input;
  /// both gradients by the same GEMMs transposed, in one walk.
  case validTaps
}

extension ConvGeometry {
  /// The algorithm for this geometry: the first row that matches. The batch size never
  /// changes the choice, and every ResNet conv's is in Tests/Fixtures/conv_algorithms.txt.
  ///
  ///     algorithm            geometry                                   ResNets at 28x28
  ///     twoByTwoMap          3x3, stride 1, pad 1, on a 2x2 map         layer3's 3x3 stride-1
  ///     winograd             3x3, stride 1, pad 1, on 9 pixels or more  layer1's and layer2's 3x3 s1
  ///     smallPointwise       1x1, stride 1, pad 0, C·OC <= 64 Ki        ResNet50's layer1, layer2 1x1
  ///     pointwiseGemm        any other 1x1, stride 1, pad 0             ResNet50's layer3, layer4 1x1
  ///     singleChannelDirect  one input channel, OC a multiple of 32     the stem
  ///     validTaps            at most 64 (output pixel, kernel row)      strided 3x3s, 3x3 on 1x1 maps
  ///                          pairs, and some tap in the padding
  ///     im2colGemm           the rest                                   strided 1x1 shortcuts
  ///
  /// Why:
  /// - twoByTwoMap: 9 multiplies per channel pair instead of the 16 of the taps that touch the
  ///   map; Winograd's one 4x4 tile would spend 36 on 4 outputs.
  /// - winograd: 36 multiplies per 4x4 tile and channel pair instead of 144: on 7x7 and 4x4
  ///   maps 3.1x and 4x fewer than im2col + GEMM (which multiplies the padding too), 2.5x and
  ///   2.8x fewer than the taps inside the map. Smaller maps than 3x3 other than 2x2 (1x1, 2x1)
  ///   go on down the table, to the valid taps.
  /// - smallPointwise: weights this small fit a core's L2 beside its block of the input.
  ///   OpenBLAS ran the K = 64 and N = 64 shapes of ResNet50's first stage at 34–38 GFLOP/s on
  ///   both cores, our GEMM at 64–68, and its epilogue saves the folded path's prefill and ReLU.
  /// - pointwiseGemm: the input already is the im2col matrix; OpenBLAS wins on large weights.
  /// - singleChannelDirect: as im2col + GEMM the stem is a GEMM with K = 49, whose output block
  ///   is read and written once per 49 multiply-adds (and the unfolding a pass of its own):
  ///   OpenBLAS reaches a third of its rate. The loop keeps 32 channels in registers across
  ///   all taps and visits only taps inside the input.
  /// - validTaps: im2col multiplies the padding too (31% of the taps from 7x7 to 4x4 and from
  ///   4x4 to 2x2, 8 of 9 on a 1x1 map); one GEMM per output pixel and kernel row over the
  ///   taps inside the input skips it. Beyond 64 such GEMMs they are too many and too small,
  ///   and im2col's one GEMM wins (the stem would be 196 x 7).
  /// - im2colGemm: one large GEMM, which OpenBLAS runs near its peak.
  public var algorithm: ConvAlgorithm {
    if kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1 && padHeight == 1
      && padWidth == 1
    {
      // Other maps of fewer than 9 pixels (1x1, 2x1) go on down the table.
      if inHeight == 2 && inWidth == 2 { return .twoByTwoMap }
      if inHeight * inWidth >= 9 { return .winograd }
    }
    if isPointwise { return inChannels * outChannels <= 1 << 16 ? .smallPointwise : .pointwiseGemm }
    if inChannels == 1 && outChannels % singleChannelBlock == 0 { return .singleChannelDirect }
    let gemms = outHeight * outWidth * kernelHeight
    return gemms <= 64 && validTapCount < gemms * kernelWidth ? .validTaps : .im2colGemm
  }

  /// The conv `conv2dBackward` runs for the input gradient when given a scratch for the flipped
  /// kernel (as Conv2d gives it): `inputGradientGeometry`, whose own `algorithm` then applies.
  /// Nil where there is none (strided convs: a GEMM and col2im) and where the backward pass
  /// does better directly: the valid taps along with the weight gradient, pointwise convs by a
  /// GEMM with the weights as they lie.
  public func flippedKernelInputGradient(_ algorithm: ConvAlgorithm) -> ConvGeometry? {
    switch algorithm {
    case .validTaps, .smallPointwise, .pointwiseGemm: nil
    case .im2colGemm, .winograd, .twoByTwoMap, .singleChannelDirect: inputGradientGeometry
    }
  }

  /// Whether `conv2dBackward` reads its input gradient's flipped kernel from a copy in its
  /// `flippedWeight` scratch: Winograd and the 2x2-map form flip the kernel as they transform it.
  public var inputGradientNeedsFlippedCopy: Bool {
    let algorithm = self.algorithm
    return algorithm != .winograd && algorithm != .twoByTwoMap && flippedKernelInputGradient(algorithm) != nil
  }

  /// Floats of scratch `conv2dForward` and `conv2dBackward` need (the latter's input-gradient
  /// conv included).
  public var convolutionWorkspaceCount: Int {
    let algorithm = self.algorithm
    // The valid-tap GEMMs read and write their operands where they lie.
    if algorithm == .validTaps { return 0 }
    // The weight gradient unfolds the input (columnMatrixCount) unless Winograd or the 2x2-map
    // algorithm transforms it as the forward pass does; the input gradient without a flipped
    // kernel unfolds too.
    let transposed = flippedKernelInputGradient(algorithm).map { $0.forwardWorkspaceCount($0.algorithm) } ?? 0
    return max(columnMatrixCount, forwardWorkspaceCount(algorithm), transposed)
  }

  /// Multiply-adds the forward pass computes by this geometry's algorithm: every tap of every
  /// output for the GEMMs (padding included), 36 per tile and channel pair for Winograd, 9 per
  /// image and channel pair on a 2x2 map, the taps inside the input for the valid-tap GEMMs and
  /// the stem's loop. PyTorch's count (`outputCount · columnWidth`) is the first; what the others
  /// save is why they exist. The transforms' arithmetic (and inference's scaling of folded
  /// weights) is not counted.
  public var forwardMultiplyAdds: Int {
    let pairs = inChannels * outChannels
    switch algorithm {
    case .im2colGemm, .pointwiseGemm, .smallPointwise: return outputCount * columnWidth
    case .winograd: return winogradTiles * 36 * pairs
    case .twoByTwoMap: return batch * 9 * pairs
    case .validTaps, .singleChannelDirect: return batch * validTapCount * pairs
    }
  }

  /// Floats of scratch the forward pass by `algorithm` needs.
  func forwardWorkspaceCount(_ algorithm: ConvAlgorithm) -> Int {
    switch algorithm {
    case .im2colGemm, .pointwiseGemm: columnMatrixCount
    case .smallPointwise: smallPointwiseWorkspaceCount
    case .winograd: winogradWorkspaceCount
    case .twoByTwoMap: twoByTwoMapWorkspaceCount
    case .singleChannelDirect: singleChannelWorkspaceCount
    case .validTaps: 0
    }
  }
}

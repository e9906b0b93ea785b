extension ConvGeometry {
  /// Pointwise convs whose weights fit a core's L2 beside its block of the input (C·OC of at
  /// most 64 K floats: all of ResNet50's first two stages), run as one `rowSplitSmallGemm` with
  /// the epilogue applied as it stores. OpenBLAS ran the K = 64 and N = 64 shapes of the first
  /// stage at 34–38 GFLOP/s on both cores, this loop at 64–68, and its epilogue saves the folded
  /// path's prefill and ReLU passes.
  public var prefersSmallPointwise: Bool { isPointwise && inChannels * outChannels <= 1 << 16 }

  /// Floats of scratch for the forward pass: the weights transposed to [C, OC].
  var smallPointwiseWorkspaceCount: Int { inChannels * outChannels }
}

/// input [N, H, W, C], weight [OC, 1, 1, C] → output [N, H, W, OC] through `epilogue`, as
/// output[M, OC] = input[M, C] · weightᵀ[C, OC]; `workspace` holds the transposed weights.
public func smallPointwiseConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  epilogue: ConvEpilogue, geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let (c, oc) = (g.inChannels, g.outChannels)
  for filter in 0..<oc {
    for channel in 0..<c { workspace[channel * oc + filter] = weight[filter * c + channel] }
  }
  rowSplitSmallGemm(
    m: g.columnRows, n: oc, k: c, a: input, b: workspace, c: output, epilogue: epilogue)
}

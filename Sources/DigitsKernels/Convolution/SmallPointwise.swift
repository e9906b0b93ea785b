/// Pointwise convs with small weights (see `ConvGeometry.algorithm`) as one `rowSplitSmallGemm`,
/// the epilogue applied as it stores.
extension ConvGeometry {
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

/// gradInput[M, C] (+)= gradOutput[M, OC] · weight[OC, C]: the weights already lie as the
/// right-hand operand [k, n], so no workspace.
func smallPointwiseInputGradient(
  gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  geometry g: ConvGeometry, accumulate: Bool
) {
  rowSplitSmallGemm(
    m: g.columnRows, n: g.inChannels, k: g.outChannels, a: gradOutput, b: weight, c: gradInput,
    epilogue: ConvEpilogue(residual: accumulate ? UnsafePointer(gradInput) : nil))
}

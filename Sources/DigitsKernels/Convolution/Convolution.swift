/// Conv2d forward by `g.algorithm`.
/// input: [N, H, W, C], weight: [OC, KH, KW, C], bias: [OC] or nil → output: [N, OH, OW, OC].
/// `workspace` holds at least `g.convolutionWorkspaceCount` floats. With `accumulate` the
/// result adds to what `output` holds.
public func conv2dForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>, accumulate: Bool = false
) {
  // The transform paths read what `output` holds as a residual right before storing each value.
  let epilogue = ConvEpilogue(bias: bias, residual: accumulate ? UnsafePointer(output) : nil)
  let algorithm = g.algorithm
  if storeThroughEpilogue(
    algorithm, output: output, input: input, weight: weight, epilogue: epilogue, geometry: g,
    workspace: workspace)
  {
    return
  }
  if algorithm == .validTaps {
    validTapConvForward(
      output: output, input: input, weight: weight, bias: bias, geometry: g, accumulate: accumulate)
  } else {
    im2colConvForward(
      output: output, input: input, weight: weight, bias: bias, geometry: g, workspace: workspace,
      accumulate: accumulate)
  }
}

/// The algorithms that apply an epilogue as they store (small pointwise GEMM, Winograd, the
/// 2x2-map form, the single-channel loop) run here and return true; the GEMM paths (im2col,
/// pointwise, valid taps) return false for the caller to run.
func storeThroughEpilogue(
  _ algorithm: ConvAlgorithm, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, epilogue: ConvEpilogue, geometry g: ConvGeometry,
  workspace: UnsafeMutablePointer<Float>
) -> Bool {
  switch algorithm {
  case .smallPointwise:
    smallPointwiseConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  case .winograd:
    winogradConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  case .twoByTwoMap:
    twoByTwoMapConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  case .singleChannelDirect:
    singleChannelConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  case .im2colGemm, .pointwiseGemm, .validTaps:
    return false
  }
  return true
}

/// Conv2d backward by `g.algorithm`. Accumulates into `gradWeight` ([OC, KH, KW, C]) and
/// `gradBias` ([OC]); overwrites `gradInput` ([N, H, W, C]) when it is non-nil, or adds to it
/// with `accumulateInputGradient` (a residual block's input gradient: the shortcut's plus the
/// branch's). gradOutput: [N, OH, OW, OC]. The input gradient of a stride-1 conv is a conv of
/// the flipped kernel where `g.flippedKernelInputGradient` says so: Winograd and the 2x2-map
/// form transform the kernel flipped as they read it; the others need `flippedWeight`
/// ([C, KH, KW, OC] floats of scratch) for a flipped copy, or without it unfold the gradient.
/// `workspace` holds `g.convolutionWorkspaceCount` floats.
public func conv2dBackward(
  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
  gradBias: UnsafeMutablePointer<Float>?,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>,
  flippedWeight: UnsafeMutablePointer<Float>? = nil, accumulateInputGradient: Bool = false
) {
  let algorithm = g.algorithm
  switch algorithm {
  case .validTaps:
    // Both gradients in one walk over the taps.
    validTapConvBackward(
      gradInput: gradInput, gradWeight: gradWeight, gradOutput: gradOutput, input: input, weight: weight,
      geometry: g, accumulateInputGradient: accumulateInputGradient)
  case .winograd:
    winogradWeightGradient(
      gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g, workspace: workspace)
  case .twoByTwoMap:
    twoByTwoMapWeightGradient(
      gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g, workspace: workspace)
  case .smallPointwise where g.smallPointwiseWeightGradientBySmallGemm:
    smallPointwiseWeightGradient(gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g)
  case .im2colGemm, .pointwiseGemm, .smallPointwise, .singleChannelDirect:
    im2colWeightGradient(
      gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g, workspace: workspace)
  }
  if let gradBias {
    sumRows(into: gradBias, gradOutput, rows: g.columnRows, columns: g.outChannels, accumulate: true)
  }
  guard let gradInput else { return }
  let accumulate = accumulateInputGradient
  switch algorithm {
  case .validTaps:
    break  // with the weight gradient
  case .winograd, .twoByTwoMap:
    transformedConvInputGradient(
      algorithm, gradInput: gradInput, gradOutput: gradOutput, weight: weight, geometry: g,
      workspace: workspace, accumulate: accumulate)
  case .smallPointwise:
    smallPointwiseInputGradient(
      gradInput: gradInput, gradOutput: gradOutput, weight: weight, geometry: g, accumulate: accumulate)
  case .im2colGemm, .pointwiseGemm, .singleChannelDirect:
    if let flippedWeight, let transposed = g.flippedKernelInputGradient(algorithm) {
      flipKernelForInputGradient(flippedWeight, weight: weight, g)
      conv2dForward(
        output: gradInput, input: gradOutput, weight: flippedWeight, bias: nil, geometry: transposed,
        workspace: workspace, accumulate: accumulate)
    } else {
      im2colInputGradient(
        gradInput: gradInput, gradOutput: gradOutput, weight: weight, geometry: g, workspace: workspace,
        accumulate: accumulate)
    }
  }
}

/// The input gradient of a Winograd or 2x2-map conv: the same algorithm's conv of gradOutput
/// with the kernel flipped and its channel axes swapped (`inputGradientGeometry`), its
/// transformed weight taken from `weight` flipped as it is read, with no flipped copy.
private func transformedConvInputGradient(
  _ algorithm: ConvAlgorithm, gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>,
  accumulate: Bool
) {
  guard let transposed = g.inputGradientGeometry else {
    preconditionFailure("\(algorithm) convs have stride 1")
  }
  let epilogue = ConvEpilogue(residual: accumulate ? UnsafePointer(gradInput) : nil)
  if algorithm == .winograd {
    winogradWeightTransform(
      workspace, weight, outChannels: g.outChannels, inChannels: g.inChannels, flipped: true)
    winogradTransformedConv(
      output: gradInput, input: gradOutput, epilogue: epilogue, geometry: transposed, workspace: workspace)
  } else {
    twoByTwoMapFlippedWeightTransform(workspace, weight, outChannels: g.outChannels, inChannels: g.inChannels)
    twoByTwoMapTransformedConv(
      output: gradInput, input: gradOutput, epilogue: epilogue, geometry: transposed, workspace: workspace)
  }
}

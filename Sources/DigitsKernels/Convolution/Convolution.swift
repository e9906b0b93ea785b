extension ConvGeometry {
  /// Floats of scratch `conv2dForward` and `conv2dBackward` need (the latter's input-gradient
  /// conv included).
  public var convolutionWorkspaceCount: Int {
    if prefersValidTaps { return 0 }
    // The weight gradient unfolds the input (columnMatrixCount) unless Winograd or the 2x2-map
    // algorithm transforms it as the forward pass does; the input gradient without a flipped
    // kernel unfolds too.
    let transposed = inputGradientGeometry?.forwardWorkspaceCount ?? 0
    return max(columnMatrixCount, forwardWorkspaceCount, transposed)
  }

  var forwardWorkspaceCount: Int {
    if prefersValidTaps { return 0 }
    if prefersTwoByTwoMap { return twoByTwoMapWorkspaceCount }
    if prefersWinograd { return winogradWorkspaceCount }
    if prefersSmallPointwise { return smallPointwiseWorkspaceCount }
    return prefersSingleChannelDirect ? singleChannelWorkspaceCount : columnMatrixCount
  }

  /// Floats of the im2col matrix; none for a pointwise conv, which reads its input as one.
  var columnMatrixCount: Int { isPointwise ? 0 : columnRows * columnWidth }
}

/// Conv2d forward: by the 2x2-map algorithm, Winograd's F(4x4, 3x3), a direct loop over one
/// input channel, GEMMs over the valid taps or our own GEMM for small pointwise convs where they
/// apply, else as one GEMM over the im2col matrix.
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
  if g.prefersTwoByTwoMap {
    twoByTwoMapConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  } else if g.prefersWinograd {
    winogradConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  } else if g.prefersSingleChannelDirect {
    singleChannelConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  } else if g.prefersValidTaps {
    validTapConvForward(
      output: output, input: input, weight: weight, bias: bias, geometry: g, accumulate: accumulate)
  } else if g.prefersSmallPointwise {
    smallPointwiseConvForward(
      output: output, input: input, weight: weight, epilogue: epilogue, geometry: g, workspace: workspace)
  } else {
    im2colConvForward(
      output: output, input: input, weight: weight, bias: bias, geometry: g, workspace: workspace,
      accumulate: accumulate)
  }
}

/// Conv2d forward as one GEMM over the im2col matrix (`g.columnRows * g.columnWidth` floats of
/// workspace unless pointwise). With `accumulate` the products add to what `output` holds.
public func im2colConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>, accumulate: Bool = false
) {
  let columns = columnMatrix(input, g, workspace)
  // output[M, OC] (+)= columns[M, K] · weight[OC, K]ᵀ
  gemm(
    transposeA: false, transposeB: true, m: g.columnRows, n: g.outChannels, k: g.columnWidth,
    a: columns, lda: g.columnWidth, b: weight, ldb: g.columnWidth,
    beta: accumulate ? 1 : 0, c: output, ldc: g.outChannels)
  if let bias {
    addRowVector(output, rows: g.columnRows, columns: g.outChannels, vector: bias)
  }
}

/// Conv2d backward. Accumulates into `gradWeight` ([OC, KH, KW, C]) and `gradBias` ([OC]);
/// overwrites `gradInput` ([N, H, W, C]) when it is non-nil, or adds to it with
/// `accumulateInputGradient` (a residual block's input gradient: the shortcut's plus the branch's).
/// gradOutput: [N, OH, OW, OC]; `workspace` as for the forward pass (and, for stride-1
/// convs given `flippedWeight` ([C, KH, KW, OC] floats of scratch), as for the input-gradient conv):
/// `g.convolutionWorkspaceCount` floats.
public func conv2dBackward(
  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
  gradBias: UnsafeMutablePointer<Float>?,
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>,
  flippedWeight: UnsafeMutablePointer<Float>? = nil, accumulateInputGradient: Bool = false
) {
  if g.prefersValidTaps {
    validTapConvBackward(
      gradInput: gradInput, gradWeight: gradWeight, gradBias: gradBias, gradOutput: gradOutput, input: input,
      weight: weight, geometry: g, accumulateInputGradient: accumulateInputGradient)
    return
  }
  let (m, k, oc) = (g.columnRows, g.columnWidth, g.outChannels)
  if g.prefersTwoByTwoMap {
    twoByTwoMapWeightGradient(
      gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g, workspace: workspace)
  } else if g.prefersWinograd {
    winogradWeightGradient(
      gradWeight: gradWeight, gradOutput: gradOutput, input: input, geometry: g, workspace: workspace)
  } else {
    let columns = columnMatrix(input, g, workspace)
    // gradWeight[OC, K] += gradOutput[M, OC]ᵀ · columns[M, K]
    gemm(
      transposeA: true, transposeB: false, m: oc, n: k, k: m,
      a: gradOutput, lda: oc, b: columns, ldb: k, beta: 1, c: gradWeight, ldc: k)
  }
  if let gradBias {
    sumRows(into: gradBias, gradOutput, rows: m, columns: oc, accumulate: true)
  }
  guard let gradInput else { return }
  if let flippedWeight, let transposed = g.inputGradientGeometry {
    flipKernelForInputGradient(flippedWeight, weight: weight, g)
    conv2dForward(
      output: gradInput, input: gradOutput, weight: flippedWeight, bias: nil, geometry: transposed,
      workspace: workspace, accumulate: accumulateInputGradient)
    return
  }
  if g.prefersSmallPointwise {
    // gradInput[M, C] (+)= gradOutput[M, OC] · weight[OC, C]: the weights are already [k, n].
    rowSplitSmallGemm(
      m: m, n: k, k: oc, a: gradOutput, b: weight, c: gradInput,
      epilogue: ConvEpilogue(residual: accumulateInputGradient ? UnsafePointer(gradInput) : nil))
    return
  }
  // gradColumns[M, K] = gradOutput[M, OC] · weight[OC, K]; the workspace is free again.
  let gradColumns = g.isPointwise ? gradInput : workspace
  gemm(
    transposeA: false, transposeB: false, m: m, n: k, k: oc,
    a: gradOutput, lda: oc, b: weight, ldb: k, beta: g.isPointwise && accumulateInputGradient ? 1 : 0,
    c: gradColumns, ldc: k)
  if !g.isPointwise {
    col2im(gradInput, workspace, g, accumulate: accumulateInputGradient)
  }
}

/// The im2col matrix [M, K] of `input`: the input itself for a pointwise conv, else unfolded
/// into `workspace`.
private func columnMatrix(
  _ input: UnsafePointer<Float>, _ g: ConvGeometry, _ workspace: UnsafeMutablePointer<Float>
) -> UnsafePointer<Float> {
  if g.isPointwise { return input }
  im2col(workspace, input, g)
  return UnsafePointer(workspace)
}

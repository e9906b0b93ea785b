/// Inference-time `conv → affine per channel (+ residual) (→ ReLU)`, the shape of every
/// ResNet conv followed by its eval-mode BatchNorm: the caller folds the per-channel scale into
/// the weights, and this adds the shift, the residual and the ReLU without a pass of their own
/// over memory. Winograd, the 2x2-map algorithm, the single-channel loop and the small
/// pointwise GEMM do it as they store; the OpenBLAS paths (im2col, pointwise and valid-tap
/// GEMMs) work through the batch in passes of about 2 MB of output, each prefilled with
/// shift + residual, accumulated into by the GEMM (beta = 1: OpenBLAS would otherwise zero it
/// first) and rectified while it is still in cache.
///
/// input [N, H, W, C], weight [OC, KH, KW, C] (scale folded in), shift [OC], residual like the
/// output or nil → output [N, OH, OW, OC]; `workspace` holds `g.convolutionWorkspaceCount` floats.
public func foldedConvForward(
  output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  shift: UnsafePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool,
  geometry g: ConvGeometry, workspace: UnsafeMutablePointer<Float>
) {
  let epilogue = ConvEpilogue(bias: shift, residual: residual, relu: relu)
  let algorithm = g.algorithm
  if storeThroughEpilogue(
    algorithm, output: output, input: input, weight: weight, epilogue: epilogue, geometry: g,
    workspace: workspace)
  {
    return
  }
  let outputPerImage = g.outHeight * g.outWidth * g.outChannels
  let inputPerImage = g.inHeight * g.inWidth * g.inChannels
  let imagesPerPass = min(g.batch, max(1, foldedPassFloats / outputPerImage))
  for start in stride(from: 0, to: g.batch, by: imagesPerPass) {
    var pass = g
    pass.batch = min(imagesPerPass, g.batch - start)
    let passOutput = output + start * outputPerImage
    let passInput = input + start * inputPerImage
    fillRows(
      passOutput, rows: pass.columnRows, columns: g.outChannels, with: shift,
      adding: residual.map { $0 + start * outputPerImage })
    if algorithm == .validTaps {
      validTapConvForward(
        output: passOutput, input: passInput, weight: weight, bias: nil, geometry: pass, accumulate: true)
    } else {
      im2colConvForward(
        output: passOutput, input: passInput, weight: weight, bias: nil, geometry: pass,
        workspace: workspace, accumulate: true)
    }
    if relu { reluForward(output: passOutput, input: passOutput, count: pass.outputCount) }
  }
}

/// Output floats per pass of `foldedConvForward`: 2 MB, which stays in this machine's L3
/// alongside the pass's input and OpenBLAS's packed blocks.
let foldedPassFloats = 1 << 19

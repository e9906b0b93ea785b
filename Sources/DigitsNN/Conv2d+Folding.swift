import DigitsKernels

extension Conv2d {
  /// Folding writes a scaled copy of the weights and saves the norm's pass over the output (which
  /// writes the residual join too): worth it when the output is at least as large as the weights,
  /// which a batch of 1024 is on all but ResNet's last stage, and a single image on few.
  public func foldingPays(for input: Tensor) -> Bool {
    geometry(for: input).outputCount >= weight.count
  }

  /// Inference (no backward may follow): relu?(norm(conv(input)) + residual?) in one pass, the
  /// norm's eval-mode affine folded into the weights (see `foldedConvForward`). Folding costs a
  /// pass over the weights per call (see `foldingPays`).
  public func forward(
    _ input: Tensor, foldingIn norm: BatchNorm2d, residual: Tensor?, relu: Bool, context: ExecutionContext
  ) -> Tensor {
    precondition(
      norm.channels == outputChannels, "BatchNorm2d of \(norm.channels) after a conv of \(outputChannels)")
    let g = prepareOutput(for: input)
    precondition(residual.map { $0.count == g.outputCount } ?? true, "residual shaped unlike the conv output")
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * outputChannels) { buffer in
      let (scale, shift) = (buffer.baseAddress!, buffer.baseAddress! + outputChannels)
      norm.runningAffine(scale: scale, shift: shift)
      if let bias {
        for channel in 0..<outputChannels { shift[channel] += bias.value[channel] * scale[channel] }
      }
      let foldedWeight = kernelScratch(context)
      scaleRows(foldedWeight, weight.value, rows: outputChannels, columns: g.columnWidth, by: scale)
      foldedConvForward(
        output: output.data, input: input.data, weight: foldedWeight, shift: shift,
        residual: residual?.data, relu: relu, geometry: g, workspace: workspace(g, context))
    }
    self.input = nil
    geometry = g
    return output
  }
}

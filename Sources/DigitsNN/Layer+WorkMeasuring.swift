import DigitsKernels

// What each kind of layer reads, writes and computes per pass, from the shapes of its last one.

extension Conv2d: WorkMeasuring {
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    guard let g = geometry else { return ("conv", OperationWork(bytes: 0), nil) }
    let row =
      "conv \(g.kernelHeight)x\(g.kernelWidth) s\(g.strideHeight) \(g.inChannels)→\(g.outChannels)"
      + " @\(g.inHeight)x\(g.inWidth)"
    let macs = Double(g.outputCount) * Double(g.columnWidth)
    let work: OperationWork
    if direction == "forward" {
      work = .floats(g.inputCount + g.weightCount + g.outputCount, flops: 2 * macs)
    } else {
      // The weight gradient always; the input gradient unless this is the network's first layer.
      let inputGradient = computesInputGradient
      work = .floats(
        g.outputCount + g.inputCount + 2 * g.weightCount + (inputGradient ? g.inputCount : 0),
        flops: (inputGradient ? 4 : 2) * macs)
    }
    return (row, work, g.algorithm.rawValue)
  }
}

extension Linear: WorkMeasuring {
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    let batch = lastBatch
    let macs = Double(batch * inputFeatures * outputFeatures)
    let tensors = batch * (inputFeatures + outputFeatures) + inputFeatures * outputFeatures
    let work: OperationWork =
      direction == "forward" ? .floats(tensors, flops: 2 * macs) : .floats(2 * tensors, flops: 4 * macs)
    return ("linear", work, nil)
  }
}

extension BatchNorm2d: WorkMeasuring {
  /// Forward reads the input twice (statistics, then normalisation) and writes the output, reading
  /// a residual as well where it joins one; backward reads the gradient and input twice (the two
  /// reductions, then the input gradient) and writes the input gradient, recomputing a fused
  /// ReLU's mask in both passes.
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    let count = lastCount
    let join = lastJoined ? 1 : 0
    return direction == "forward"
      ? ("batch norm", .floats((3 + join) * count, flops: Double(4 + 2 * join) * Double(count)), nil)
      : ("batch norm", .floats(5 * count, flops: Double(fusedReLU ? 10 : 6) * Double(count)), nil)
  }
}

extension ReLU: WorkMeasuring {
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    let count = lastCount
    return ("relu / residual", .floats((direction == "forward" ? 2 : 3) * count, flops: Double(count)), nil)
  }
}

extension MaxPool2d: WorkMeasuring {
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    let (input, output) = lastCounts
    return ("max pool", .floats(input + 2 * output), nil)
  }
}

extension GlobalAvgPool: WorkMeasuring {
  public func lastPass(_ direction: String) -> (row: String, work: OperationWork, detail: String?) {
    let (input, output) = lastCounts
    return ("global avg pool", .floats(input + output, flops: Double(input)), nil)
  }
}

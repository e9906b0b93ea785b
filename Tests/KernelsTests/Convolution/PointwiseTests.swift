import DigitsKernels
import TestSupport
import Testing

/// 1x1, stride-1 convs on both of their paths, our GEMM for small weights (`smallPointwise`) and
/// OpenBLAS's (`pointwiseGemm`), against direct sums: the output, both gradients, and the input
/// gradient added onto what the target held (a residual block's first conv), and the weight
/// gradient onto what the gradient held.
@Suite struct PointwiseTests {
  @Test(arguments: [
    // C·OC = 64 Ki, the largest small one, and one more input channel; then a map whose pixels
    // do not fill the small GEMM's blocks of four rows; then more input channels than output
    // (the small path's weight gradient by OpenBLAS).
    (256, 256, 3, ConvAlgorithm.smallPointwise), (257, 256, 3, .pointwiseGemm), (5, 9, 7, .smallPointwise),
    (64, 16, 5, .smallPointwise),
  ])
  func matchesDirectSums(inChannels: Int, outChannels: Int, map: Int, algorithm: ConvAlgorithm) {
    let g = ConvGeometry(
      batch: 2, inHeight: map, inWidth: map, inChannels: inChannels, outChannels: outChannels,
      kernel: (1, 1), stride: (1, 1), padding: (0, 0))
    #expect(g.algorithm == algorithm && g.inputGradientGeometry == nil)
    var random = TestRandom(seed: 17)
    let (x, w, dy, held, heldWeight) = (
      random.floats(g.inputCount), random.floats(g.weightCount), random.floats(g.outputCount),
      random.floats(g.inputCount), random.floats(g.weightCount)
    )
    let (m, c, oc) = (g.columnRows, inChannels, outChannels)
    // out[m, o] = Σ_c x[m, c]·w[o, c]; dW[o, c] = Σ_m dy[m, o]·x[m, c]; dX[m, c] = Σ_o dy[m, o]·w[o, c].
    func sums(_ rows: Int, _ columns: Int, _ depth: Int, _ term: (Int, Int, Int) -> Float) -> [Float] {
      (0..<rows * columns).map { index in
        Float((0..<depth).reduce(0.0) { $0 + Double(term(index / columns, index % columns, $1)) })
      }
    }
    let output = sums(m, oc, c) { x[$0 * c + $2] * w[$1 * c + $2] }
    let gradWeight = sums(oc, c, m) { dy[$2 * oc + $0] * x[$2 * c + $1] }
    let gradInput = sums(m, c, oc) { dy[$0 * oc + $2] * w[$2 * c + $1] }

    var workspace = [Float](repeating: .nan, count: g.convolutionWorkspaceCount)
    var actual = [Float](repeating: .nan, count: g.outputCount)
    conv2dForward(output: &actual, input: x, weight: w, bias: nil, geometry: g, workspace: &workspace)
    var (actualWeight, actualInput) = (heldWeight, held)
    conv2dBackward(
      gradInput: &actualInput, gradWeight: &actualWeight, gradBias: nil, gradOutput: dy, input: x, weight: w,
      geometry: g, workspace: &workspace, accumulateInputGradient: true)
    // Sums of up to 256 (or 2·9 pixels) products in [-1, 1].
    #expect(maxAbsDifference(actual, output) < 1e-4)
    #expect(maxAbsDifference(actualWeight, zip(heldWeight, gradWeight).map { $0 + $1 }) < 1e-4)
    #expect(maxAbsDifference(actualInput, zip(held, gradInput).map { $0 + $1 }) < 1e-4)
  }
}

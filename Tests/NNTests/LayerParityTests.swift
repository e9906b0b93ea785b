import DigitsNN
import TestSupport
import Testing

/// BatchNorm2d, ReLU, MaxPool2d, AdaptiveAvgPool2d(1) and Linear against PyTorch: outputs,
/// input gradients, parameter gradients and (BN) running statistics after the forward pass,
/// max |Δ| <= 1e-4 × max(1, max |PyTorch value|). Fixtures: scripts/make_fixtures.py.
@Suite struct LayerParityTests {
  private func expectParity(_ reports: [ParityReport], count: Int) {
    #expect(reports.count == count)
    for report in reports { #expect(report.passed, "\(report.label): \(report.maxDifference)") }
  }

  @Test func batchNormTrainingMatchesPyTorch() throws {
    // out, grad_x, grad.weight, grad.bias, state.running_mean/running_var/num_batches_tracked
    expectParity(
      try layerParityReports("bn_train", training: true) { parameters, buffers in
        BatchNorm2d(parameters: parameters, buffers: buffers, name: "", channels: 6)
      }, count: 7)
  }

  @Test func batchNormEvalMatchesPyTorch() throws {
    // Eval normalises with the running statistics and leaves them (state.*) unchanged.
    expectParity(
      try layerParityReports("bn_eval", training: false) { parameters, buffers in
        BatchNorm2d(parameters: parameters, buffers: buffers, name: "", channels: 6)
      }, count: 7)
  }

  @Test func reluMatchesPyTorch() throws {
    expectParity(try layerParityReports("relu") { _, _ in ReLU() }, count: 2)
  }

  @Test(arguments: ["maxpool_3x3_s2_p1", "maxpool_3x3_s2_p1_odd"])
  func maxPoolMatchesPyTorch(_ name: String) throws {
    expectParity(
      try layerParityReports(name) { _, _ in MaxPool2d(kernelSize: 3, stride: 2, padding: 1) }, count: 2)
  }

  @Test func globalAveragePoolMatchesPyTorch() throws {
    // PyTorch's output is [N, C, 1, 1]; the fixture's NHWC view of it is [N, 1, 1, C] = [N, C].
    expectParity(try layerParityReports("avgpool") { _, _ in GlobalAvgPool() }, count: 2)
  }

  @Test func linearMatchesPyTorch() throws {
    expectParity(
      try layerParityReports("linear") { parameters, _ in
        Linear(parameters, name: "", inputFeatures: 12, outputFeatures: 10)
      }, count: 4)
  }
}

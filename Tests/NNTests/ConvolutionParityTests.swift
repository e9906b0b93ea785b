import DigitsKernels
import DigitsNN
import TestSupport
import Testing

/// Conv2d against torch.nn.Conv2d: output, input gradient and weight (and bias) gradients,
/// max |Δ| <= 1e-4 × max(1, max |PyTorch value|), with the algorithm each fixture's geometry
/// takes. Fixtures: scripts/make_fixtures.py.
@Suite struct ConvolutionParityTests {
  @Test(arguments: [
    // 8 output channels: not the stem's direct loop, which wants a multiple of 32.
    ("conv_7x7_s2_p3_c1", ConvAlgorithm.im2colGemm), ("conv_3x3_s1_p1", .winograd),
    ("conv_3x3_s2_p1", .validTaps),
    ("conv_3x3_s1_p1_1x1map", .validTaps), ("conv_1x1_s1", .smallPointwise), ("conv_1x1_s2", .im2colGemm),
    ("conv_5x3_s2x1_p2x0_bias", .im2colGemm),
  ])
  func matchesPyTorch(_ name: String, algorithm: ConvAlgorithm) throws {
    let meta = try Fixture.load(name)
    var conv: Conv2d?
    let reports = try layerParityReports(name) { parameters, _ in
      let layer = Conv2d(
        parameters, name: "", inputChannels: meta.integer("in_channels"),
        outputChannels: meta.integer("out_channels"),
        kernelSize: (meta.integer("kernel_h"), meta.integer("kernel_w")),
        stride: (meta.integer("stride_h"), meta.integer("stride_w")),
        padding: (meta.integer("pad_h"), meta.integer("pad_w")), bias: meta.metadata("bias") == "true")
      conv = layer
      return layer
    }
    #expect(conv?.geometry?.algorithm == algorithm)
    #expect(reports.count == (meta.metadata("bias") == "true" ? 4 : 3))
    for report in reports { #expect(report.passed, "\(report.label): \(report.maxDifference)") }
  }
}

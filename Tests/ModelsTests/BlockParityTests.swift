import DigitsModels
import DigitsNN
import TestSupport
import Testing

/// torchvision's BasicBlock(8, 16, stride 2) and Bottleneck(8, 4, stride 2), each with a
/// downsample branch, in train mode against PyTorch: output, input gradient, every parameter
/// gradient and the running statistics, max |Δ| <= 1e-4 × max(1, max |value|).
/// Fixtures: scripts/make_fixtures.py (basic_block, bottleneck).
@Suite struct BlockParityTests {
  @Test func basicBlockMatchesTorchvision() throws {
    let reports = try layerParityReports("basic_block") { parameters, buffers in
      ResidualBlock.basic(
        parameters: parameters, buffers: buffers, name: "", inPlanes: 8, planes: 16, stride: 2)
    }
    // out, grad_x, 9 parameter gradients (3 convs, 3 BNs × 2), 9 buffers (3 BNs × 3)
    #expect(reports.count == 20)
    for report in reports { #expect(report.passed, "\(report.label): \(report.maxDifference)") }
  }

  @Test func bottleneckMatchesTorchvision() throws {
    let reports = try layerParityReports("bottleneck") { parameters, buffers in
      ResidualBlock.bottleneck(
        parameters: parameters, buffers: buffers, name: "", inPlanes: 8, planes: 4, stride: 2)
    }
    // out, grad_x, 12 parameter gradients (4 convs, 4 BNs × 2), 12 buffers (4 BNs × 3)
    #expect(reports.count == 26)
    for report in reports { #expect(report.passed, "\(report.label): \(report.maxDifference)") }
  }
}

import DigitsKernels
import DigitsNN
import TestSupport
import Testing

/// CrossEntropyLoss (plain and label smoothing 0.1) and the residual add against PyTorch:
/// loss and logit gradient, max |Δ| <= 1e-4 × max(1, max |value|).
@Suite struct LossParityTests {
  @Test(arguments: ["cross_entropy", "cross_entropy_smoothing"])
  func crossEntropyMatchesPyTorch(_ name: String) throws {
    let fixture = try Fixture.load(name)
    let logits = try fixture.activation("x")
    let labels = try fixture.labels()
    let loss = CrossEntropyLoss(labelSmoothing: fixture.number("label_smoothing"))
    let value = labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) }
    let lossReport = ParityReport("\(name) loss", actual: [value], expected: try fixture.floats("out"))
    let gradReport = ParityReport(
      "\(name) grad_x", actual: loss.backward().array, expected: try fixture.floats("grad_x"))
    #expect(lossReport.passed && gradReport.passed)
  }

  @Test func residualAddMatchesPyTorch() throws {
    let fixture = try Fixture.load("add")
    let x = try fixture.activation("x")
    let y = try fixture.activation("y")
    var out = [Float](repeating: 0, count: x.count)
    addForward(output: &out, x.data, y.data, count: x.count)
    #expect(ParityReport("add out", actual: out, expected: try fixture.activationValues("out")).passed)
    // The add passes its gradient to both inputs unchanged.
    let gradOut = try fixture.activationValues("grad_out")
    #expect(
      ParityReport("add grad_x", actual: gradOut, expected: try fixture.activationValues("grad_x")).passed)
    #expect(
      ParityReport("add grad_y", actual: gradOut, expected: try fixture.activationValues("grad_y")).passed)
  }
}

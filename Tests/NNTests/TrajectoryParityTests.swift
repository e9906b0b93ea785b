import DigitsKernels
import DigitsNN
import TestSupport
import Testing

/// Five Adam steps of a small conv net (conv-BN-ReLU-maxpool-conv-BN-ReLU-avgpool-linear)
/// against PyTorch: the loss at every step and every state_dict tensor after the last step,
/// max |Δ| <= 1e-4 × max(1, max |value|). Fixture: scripts/make_fixtures.py (trajectory_adam).
@Suite struct TrajectoryParityTests {
  @Test func fiveAdamStepsMatchPyTorch() throws {
    let fixture = try Fixture.load("trajectory_adam")
    let parameters = ParameterArena()
    let buffers = ParameterArena()
    // nn.Sequential indices name the layers, as in the fixture's state_dict.
    let net = Sequential([
      Conv2d(
        parameters, name: "0", inputChannels: 1, outputChannels: 4, kernelSize: 3, stride: 1, padding: 1),
      BatchNorm2d(parameters: parameters, buffers: buffers, name: "1", channels: 4, fusedReLU: true),
      MaxPool2d(kernelSize: 3, stride: 2, padding: 1),
      Conv2d(
        parameters, name: "4", inputChannels: 4, outputChannels: 8, kernelSize: 3, stride: 2, padding: 1),
      BatchNorm2d(parameters: parameters, buffers: buffers, name: "5", channels: 8, fusedReLU: true),
      GlobalAvgPool(),
      Linear(parameters, name: "9", inputFeatures: 8, outputFeatures: 10),
    ])
    parameters.finalize()
    buffers.finalize()
    try fixture.loadState(into: [parameters, buffers])
    let optimizer = Adam(parameters: parameters, hyper: AdamHyper(learningRate: fixture.number("lr")))
    let loss = CrossEntropyLoss()
    let context = ExecutionContext(training: true)
    let x = try fixture.activation("x")
    let labels = try fixture.labels()

    var losses: [Float] = []
    for _ in 0..<5 {
      parameters.zeroGradients()
      let logits = net.forward(x, context: context)
      losses.append(labels.withUnsafeBufferPointer { loss.forward(logits, labels: $0.baseAddress!) })
      _ = net.backward(loss.backward(), context: context)
      optimizer.step()
    }
    let lossReport = ParityReport("trajectory losses", actual: losses, expected: try fixture.floats("losses"))
    #expect(lossReport.passed)
    for arena in [parameters, buffers] {
      for slot in arena.slots {
        let key = "final." + slot.name
        let expected =
          slot.layout == .counter ? try fixture.file.int64s(key).map(Float.init) : try fixture.floats(key)
        let report = ParityReport(
          "trajectory \(key)", actual: torchValue(arena, slot.name), expected: expected)
        #expect(report.passed, "\(key): \(report.maxDifference)")
      }
    }
  }
}

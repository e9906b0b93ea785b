import DigitsKernels
import DigitsNN
import TestSupport
import Testing

/// Adam, AdamW and SGD (momentum, Nesterov) against torch.optim over three steps with given
/// gradients: parameters after each step, max |Δ| <= 1e-6 (values of order 1, and a step
/// moves them by about lr). Fixtures: scripts/make_fixtures.py.
@Suite struct OptimizerParityTests {
  func run(_ fixtureName: String, makeOptimizer: (ParameterArena, Fixture) -> any Optimizer) throws {
    let fixture = try Fixture.load(fixtureName)
    let arena = ParameterArena()
    let parameter = arena.register("p", torchShape: [37])
    arena.finalize()
    try fixture.floats("param").withUnsafeBufferPointer {
      parameter.value.update(from: $0.baseAddress!, count: 37)
    }
    let optimizer = makeOptimizer(arena, fixture)
    for step in 0..<3 {
      try fixture.floats("grad_\(step)").withUnsafeBufferPointer {
        parameter.gradient.update(from: $0.baseAddress!, count: 37)
      }
      optimizer.step()
      let report = ParityReport(
        "\(fixtureName) step \(step + 1)", actual: torchValue(arena, "p"),
        expected: try fixture.floats("param_\(step + 1)"), base: 1e-6)
      #expect(report.passed, "\(report.label): \(report.maxDifference)")
    }
    #expect(optimizer.stepCount == 3)
  }

  @Test(arguments: ["adam", "adamw"])
  func adamMatchesTorchOptim(_ name: String) throws {
    try run(name) { arena, f in
      Adam(
        parameters: arena,
        hyper: AdamHyper(
          learningRate: f.number("lr"), beta1: f.number("beta1"), beta2: f.number("beta2"),
          eps: f.number("eps"),
          weightDecay: f.number("weight_decay"), decoupled: name == "adamw"))
    }
  }

  @Test(arguments: ["sgd_momentum", "sgd_nesterov"])
  func sgdMatchesTorchOptim(_ name: String) throws {
    try run(name) { arena, f in
      SGD(
        parameters: arena,
        hyper: SGDHyper(
          learningRate: f.number("lr"), momentum: f.number("momentum"), dampening: f.number("dampening"),
          weightDecay: f.number("weight_decay"), nesterov: f.metadata("nesterov") == "true"))
    }
  }
}

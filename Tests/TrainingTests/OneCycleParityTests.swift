import DigitsKernels
import DigitsNN
import DigitsTraining
import TestSupport
import Testing

/// The one-cycle schedule against torch's OneCycleLR with its defaults, driving AdamW over 40
/// steps: the rate and β1 before every step, and the parameters after it. Fixture:
/// scripts/make_fixtures.py (adamw_onecycle).
@Suite struct OneCycleParityTests {
  @Test func rateAndMomentumFollowOneCycleLR() throws {
    let fixture = try Fixture.load("adamw_onecycle")
    let total = fixture.integer("total_steps")
    let (rates, momenta) = (try fixture.floats("lr"), try fixture.floats("beta1"))
    let schedule = LearningRateSchedule.onecycle
    for step in 0..<total {
      let rate = schedule.oneCycleRate(peak: fixture.number("max_lr"), step: step, totalSteps: total)
      let momentum = schedule.oneCycleMomentum(step: step, totalSteps: total)
      #expect(abs(rate - rates[step]) <= 1e-6 * rates[step], "rate before step \(step)")
      #expect(abs(momentum - momenta[step]) <= 1e-6, "β1 before step \(step)")
    }
    #expect(momenta[0] == 0.95 && momenta.min()! < 0.851 && abs(momenta[total - 1] - 0.95) < 1e-6)
  }

  @Test func adamWUnderOneCycleMatchesTorch() throws {
    let fixture = try Fixture.load("adamw_onecycle")
    let total = fixture.integer("total_steps")
    let arena = ParameterArena()
    let parameter = arena.register("p", torchShape: [37])
    arena.finalize()
    try fixture.floats("param").withUnsafeBufferPointer {
      parameter.value.update(from: $0.baseAddress!, count: 37)
    }
    let optimizer = Adam(
      parameters: arena,
      hyper: AdamHyper(
        learningRate: fixture.number("max_lr"), beta2: fixture.number("beta2"), eps: fixture.number("eps"),
        weightDecay: fixture.number("weight_decay"), decoupled: true))
    let (grads, params) = (try fixture.floats("grads"), try fixture.floats("params"))
    for step in 0..<total {
      optimizer.learningRate = LearningRateSchedule.onecycle.oneCycleRate(
        peak: fixture.number("max_lr"), step: step, totalSteps: total)
      optimizer.momentum = LearningRateSchedule.onecycle.oneCycleMomentum(step: step, totalSteps: total)
      grads.withUnsafeBufferPointer {
        parameter.gradient.update(from: $0.baseAddress! + step * 37, count: 37)
      }
      optimizer.step()
      let report = ParityReport(
        "adamw_onecycle step \(step + 1)", actual: torchValue(arena, "p"),
        expected: Array(params[(step * 37)..<((step + 1) * 37)]), base: 1e-6)
      #expect(report.passed, "\(report.label): \(report.maxDifference)")
    }
  }
}

import DigitsTraining
import Foundation
import Testing

/// How much AdamW's decoupled decay leaves of a weight over a run, against closed forms.
@Suite struct DecoupledWeightDecayTests {
  static func adamW(decay: Float, schedule: LearningRateSchedule, rate: Float = 2e-3) -> TrainingConfig {
    var config = TrainingConfig(protocol: .improved, threads: 1)
    (config.weightDecay, config.schedule, config.learningRate) = (decay, schedule, rate)
    return config
  }

  @Test func aConstantRateLeavesOneMinusRateTimesDecayToThePowerOfTheSteps() throws {
    let kept = try #require(
      DecoupledWeightDecay.retention(
        of: Self.adamW(decay: 0.01, schedule: .constant, rate: 1e-3), stepsPerEpoch: 329))
    let expected = pow(1 - Double(Float(1e-3)) * Double(Float(0.01)), 3290)
    #expect(abs(kept - expected) < 1e-9)
  }

  @Test func oneCycleDecaysAsItsMeanRateOfAboutHalfThePeak() throws {
    // One-cycle's cosine warm-up from peak/25 to the peak over 30% of the steps averages
    // 0.52·peak, its anneal to ~0 over the rest 0.5·peak: 0.506·peak over the run.
    for (decay, steps) in [(Float(5e-4), 657), (5e-4, 329), (0.05, 657)] {
      let kept = try #require(
        DecoupledWeightDecay.retention(
          of: Self.adamW(decay: decay, schedule: .onecycle), stepsPerEpoch: steps))
      let expected = exp(-Double(decay) * 2e-3 * 0.506 * Double(10 * steps))
      #expect(abs(kept - expected) / expected < 2e-4, "wd \(decay), \(steps) steps per epoch")
    }
  }

  @Test func theRecipesDecayIsNegligibleAndAdamWsUsualOneIsNot() throws {
    let recipe = TrainingConfig(protocol: .improved, threads: 1)
    let note = try #require(DecoupledWeightDecay.negligibleDecayNote(for: recipe, stepsPerEpoch: 657))
    #expect(note.contains("0.9967 over the run's 6,570 steps"))
    #expect(
      DecoupledWeightDecay.negligibleDecayNote(
        for: Self.adamW(decay: 0.05, schedule: .onecycle), stepsPerEpoch: 657) == nil)
  }

  @Test func onlyAdamWsDecayIsDecoupled() {
    for optimizer in [OptimizerKind.adam, .sgd] {
      var config = TrainingConfig(protocol: .improved, threads: 1)
      config.optimizer = optimizer
      #expect(DecoupledWeightDecay.retention(of: config, stepsPerEpoch: 100) == nil)
    }
    #expect(
      DecoupledWeightDecay.retention(of: Self.adamW(decay: 0, schedule: .onecycle), stepsPerEpoch: 100) == nil
    )
  }
}

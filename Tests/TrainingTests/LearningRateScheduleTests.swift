import DigitsTraining
import Testing

/// Learning-rate schedules against PyTorch's values.
@Suite struct LearningRateScheduleTests {
  /// From torch 2.15 (lr at the start of each epoch):
  ///
  ///     p = torch.nn.Parameter(torch.zeros(1)); o = torch.optim.Adam([p], lr=1e-3)
  ///     s = torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)
  ///     for e in range(10): print(o.param_groups[0]["lr"]); o.step(); s.step()
  ///
  /// epoch 1: 0.001, epoch 6: 0.0005, epoch 10: 2.4471741852423235e-05.
  @Test(arguments: [(1, 0.001), (6, 0.0005), (10, 2.4471741852423235e-05)])
  func cosineMatchesTorch(epoch: Int, expected: Double) {
    let rate = LearningRateSchedule.cosine.rate(base: 1e-3, epoch: epoch, epochs: 10, plateauHalvings: 0)
    #expect(abs(Double(rate) - expected) <= 1e-6 * expected)
  }

  @Test func plateauHalvesPerNonImprovingEpoch() {
    let rates = (0...3).map {
      LearningRateSchedule.plateau.rate(base: 1e-3, epoch: 5, epochs: 10, plateauHalvings: $0)
    }
    #expect(rates == [1e-3, 5e-4, 2.5e-4, 1.25e-4])
  }

  @Test func constantIgnoresTheEpoch() {
    let rates = (1...10).map {
      LearningRateSchedule.constant.rate(base: 1e-3, epoch: $0, epochs: 10, plateauHalvings: $0)
    }
    #expect(rates.allSatisfy { $0 == 1e-3 })
  }

  /// The trainer's one rate-before-step function: one-cycle's rate at every step, and for a
  /// per-epoch schedule the rate of the epoch the step falls in (steps 0-99 are epoch 1).
  @Test func aStepTakesOneCyclesRateOrItsEpochsRate() {
    var config = TrainingConfig(protocol: .improved, threads: 1)
    config.epochs = 10
    for step in [0, 1, 99, 100, 299, 300, 999] {
      config.schedule = .onecycle
      #expect(
        config.learningRate(beforeStep: step, stepsPerEpoch: 100)
          == LearningRateSchedule.onecycle.oneCycleRate(
            peak: config.learningRate, step: step, totalSteps: 1000))
      config.schedule = .cosine
      #expect(
        config.learningRate(beforeStep: step, stepsPerEpoch: 100)
          == LearningRateSchedule.cosine.rate(
            base: config.learningRate, epoch: step / 100 + 1, epochs: 10, plateauHalvings: 0))
    }
    config.schedule = .plateau
    #expect(
      config.learningRate(beforeStep: 550, stepsPerEpoch: 100, plateauHalvings: 2) == config.learningRate / 4)
  }
}

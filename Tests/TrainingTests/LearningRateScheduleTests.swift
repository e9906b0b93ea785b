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
}

import DigitsTraining
import Testing

/// Early stopping on validation loss: patience, min-delta and the best epoch it remembers.
@Suite struct EarlyStoppingTests {
  /// Feeds `losses` as epochs 1, 2, ...; returns what `record` answered for each.
  private func feed(_ stopping: inout EarlyStopping, _ losses: [Float]) -> [Bool] {
    losses.enumerated().map { stopping.record(epoch: $0.offset + 1, loss: $0.element) }
  }

  @Test func stopsAfterPatienceEpochsWithoutImprovement() {
    var stopping = EarlyStopping(patience: 3, minDelta: 0)
    #expect(feed(&stopping, [1.0, 0.9, 0.95, 0.91]) == [true, true, false, false])
    #expect(!stopping.shouldStop)
    #expect(feed(&stopping, [0.92]) == [false])
    #expect(stopping.shouldStop)
    #expect(stopping.bestEpoch == 2 && stopping.bestLoss == 0.9)
    #expect(stopping.epochsWithoutImprovement == 3)
  }

  @Test func improvementResetsTheCount() {
    var stopping = EarlyStopping(patience: 2, minDelta: 0)
    #expect(feed(&stopping, [1.0, 1.1, 0.8, 0.85]) == [true, false, true, false])
    #expect(!stopping.shouldStop && stopping.bestEpoch == 3 && stopping.epochsWithoutImprovement == 1)
  }

  @Test func minDeltaIgnoresSmallImprovements() {
    var stopping = EarlyStopping(patience: 2, minDelta: 0.05)
    // 0.97 is below 1.0 but not by more than 0.05; 0.9 is.
    #expect(feed(&stopping, [1.0, 0.97, 0.9, 0.88, 0.87]) == [true, false, true, false, false])
    #expect(stopping.bestEpoch == 3 && stopping.bestLoss == 0.9)
    #expect(stopping.shouldStop)
  }

  @Test func patienceZeroNeverStopsAndKeepsTheLastEpoch() {
    var stopping = EarlyStopping(patience: 0, minDelta: 0)
    let improved = feed(&stopping, [1, 2, 3, 4, 5, 6])
    #expect(!stopping.shouldStop && stopping.bestEpoch == 1)
    #expect(improved.allSatisfy { stopping.keeps(improved: $0) } && stopping.keptEpoch(lastEpoch: 6) == 6)
  }

  @Test func withPatienceTheLowestLossIsKept() {
    var stopping = EarlyStopping(patience: 3, minDelta: 0)
    let improved = feed(&stopping, [1.0, 0.9, 0.95])
    #expect(improved.map { stopping.keeps(improved: $0) } == [true, true, false])
    #expect(stopping.keptEpoch(lastEpoch: 3) == 2)
  }
}

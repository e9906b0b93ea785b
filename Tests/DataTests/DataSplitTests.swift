import DigitsData
import Testing

@Suite struct DataSplitTests {
  @Test func protocolSizes() throws {
    let split = try DataSplit.make(count: 60_000, validationRatio: 0.3, seed: 0)
    #expect(split.trainIndices.count == 42_000)
    #expect(split.validationIndices.count == 18_000)
  }

  @Test func disjointAndCovering() throws {
    let split = try DataSplit.make(count: 60_000, validationRatio: 0.3, seed: 0)
    let train = Set(split.trainIndices)
    #expect(train.count == 42_000)
    #expect(train.isDisjoint(with: split.validationIndices))
    #expect((split.trainIndices + split.validationIndices).sorted() == Array(0..<60_000))
  }

  @Test func seeded() throws {
    let first = try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 1)
    #expect(try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 1) == first)
    #expect(try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 2) != first)
  }

  @Test func noValidation() throws {
    let split = try DataSplit.make(count: 100, validationRatio: 0, seed: 0)
    #expect(split.validationIndices.isEmpty)
    #expect(split.trainIndices.sorted() == Array(0..<100))
  }

  @Test func trainLimitKeepsTheValidationSet() throws {
    let full = try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 4)
    let limited = try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 4, trainLimit: 50)
    #expect(limited.trainIndices == Array(full.trainIndices.prefix(50)))
    #expect(limited.validationIndices == full.validationIndices)
    let generous = try DataSplit.make(count: 1000, validationRatio: 0.3, seed: 4, trainLimit: 5000)
    #expect(generous == full)
  }

  @Test(arguments: [1.0, -0.1, 1.5, Double.nan])
  func rejectsRatio(_ ratio: Double) {
    expectDataError(naming: "--val-ratio", where: { if case .invalidParameter = $0 { true } else { false } })
    {
      _ = try DataSplit.make(count: 100, validationRatio: ratio, seed: 0)
    }
  }

  @Test func rejectsRatioLeavingNoTraining() {
    expectDataError(naming: "--val-ratio", where: { if case .invalidParameter = $0 { true } else { false } })
    {
      _ = try DataSplit.make(count: 1, validationRatio: 0.6, seed: 0)
    }
  }

  @Test func rejectsNonPositiveLimit() {
    expectDataError(
      naming: "--train-limit", where: { if case .invalidParameter = $0 { true } else { false } }
    ) {
      _ = try DataSplit.make(count: 100, validationRatio: 0.3, seed: 0, trainLimit: 0)
    }
  }
}

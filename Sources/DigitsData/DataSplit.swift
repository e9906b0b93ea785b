/// A seeded train/validation split of the indices 0..<count.
public struct DataSplit: Codable, Equatable, Sendable {
  /// In shuffled order (the batch iterator reshuffles them every epoch anyway).
  public let trainIndices: [Int]
  /// In shuffled order.
  public let validationIndices: [Int]

  public init(trainIndices: [Int], validationIndices: [Int]) {
    self.trainIndices = trainIndices
    self.validationIndices = validationIndices
  }

  /// Shuffles 0..<count with `seed`; the first round(count * validationRatio) shuffled indices
  /// form the validation set and the rest the training set, of which `trainLimit` keeps only
  /// the first N (for quick runs). The validation set does not depend on `trainLimit`.
  /// A ratio of 0 gives no validation set; the ratio must be in [0, 1).
  public static func make(count: Int, validationRatio: Double, seed: UInt64, trainLimit: Int? = nil)
    throws -> DataSplit
  {
    try checkArguments(count: count, validationRatio: validationRatio, trainLimit: trainLimit)
    let validationCount = Int((Double(count) * validationRatio).rounded())
    guard validationCount < count || count == 0 else {
      throw DataError.invalidParameter(
        name: "--val-ratio",
        detail: "\(validationRatio) of \(count) images leaves none for training; use a smaller ratio")
    }
    var order = Array(0..<count)
    var generator = SeededGenerator(seed: seed)
    generator.shuffle(&order)
    let train = order[validationCount...].prefix(trainLimit ?? count)
    return DataSplit(trainIndices: Array(train), validationIndices: Array(order[..<validationCount]))
  }

  private static func checkArguments(count: Int, validationRatio: Double, trainLimit: Int?) throws {
    guard count >= 0 else {
      throw DataError.invalidParameter(name: "count", detail: "\(count) must not be negative")
    }
    guard validationRatio >= 0, validationRatio < 1 else {
      throw DataError.invalidParameter(
        name: "--val-ratio", detail: "\(validationRatio) is outside [0, 1); use e.g. 0.3, or 0 for none")
    }
    if let trainLimit, trainLimit <= 0 {
      throw DataError.invalidParameter(name: "--train-limit", detail: "\(trainLimit) must be at least 1")
    }
  }
}

import Foundation

/// One line of history.csv.
public struct EpochRecord: Codable, Equatable, Sendable {
  public var epoch: Int
  public var trainLoss: Float
  public var trainAccuracy: Float
  public var validationLoss: Float
  public var validationAccuracy: Float
  public var learningRate: Float
  public var seconds: Double

  /// A run without a validation set records NaN as its validation loss and accuracy.
  public var hasValidation: Bool { !validationLoss.isNaN }

  public init(
    epoch: Int, trainLoss: Float, trainAccuracy: Float, validationLoss: Float, validationAccuracy: Float,
    learningRate: Float, seconds: Double
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.validationLoss = validationLoss
    self.validationAccuracy = validationAccuracy
    self.learningRate = learningRate
    self.seconds = seconds
  }
}

/// history.csv (per epoch) and steps.csv (per iteration), as docs/contract.md names their columns.
public struct TrainingHistory: Equatable, Sendable {
  public var epochs: [EpochRecord] = []
  /// (iteration, loss), iteration counted from 1 across epochs.
  public var steps: [(iteration: Int, loss: Float)] = []

  public init() {}

  public static func == (a: TrainingHistory, b: TrainingHistory) -> Bool {
    a.epochs == b.epochs && a.steps.elementsEqual(b.steps) { $0 == $1 }
  }

  public static let epochHeader = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds"

  public var epochCSV: String {
    var lines = [Self.epochHeader]
    // A run without a validation split has no validation figures: empty cells, as CSV readers
    // expect of a missing value.
    func cell(_ value: Float) -> String { value.isNaN ? "" : "\(value)" }
    for r in epochs {
      lines.append(
        "\(r.epoch),\(r.trainLoss),\(r.trainAccuracy),\(cell(r.validationLoss)),\(cell(r.validationAccuracy)),"
          + "\(r.learningRate),\(String(format: "%.3f", r.seconds))")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  public var stepCSV: String {
    var text = "iteration,loss\n"
    text.reserveCapacity(steps.count * 16)
    for step in steps { text += "\(step.iteration),\(step.loss)\n" }
    return text
  }

  /// Reads history.csv and steps.csv back (for `--resume` and `experiment --from`).
  public static func read(epochCSV: String, stepCSV: String?, path: String, stepsPath: String = "steps.csv")
    throws
    -> TrainingHistory
  {
    var history = TrainingHistory()
    for (number, line) in epochCSV.split(separator: "\n").enumerated().dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      // An empty validation cell (or "nan", as earlier versions wrote it) is a run without one.
      func optional(_ field: String) -> Float? { field.isEmpty ? .nan : Float(field) }
      guard fields.count == 7, let epoch = Int(fields[0]), let trainLoss = Float(fields[1]),
        let trainAccuracy = Float(fields[2]), let validationLoss = optional(fields[3]),
        let validationAccuracy = optional(fields[4]), let rate = Float(fields[5]),
        let seconds = Double(fields[6])
      else { throw TrainingError.corruptRunFile(path: path, line: number + 1) }
      history.epochs.append(
        EpochRecord(
          epoch: epoch, trainLoss: trainLoss, trainAccuracy: trainAccuracy, validationLoss: validationLoss,
          validationAccuracy: validationAccuracy, learningRate: rate, seconds: seconds))
    }
    for (number, line) in (stepCSV ?? "").split(separator: "\n").enumerated().dropFirst() {
      let fields = line.split(separator: ",")
      guard fields.count == 2, let iteration = Int(fields[0]), let loss = Float(fields[1]) else {
        throw TrainingError.corruptRunFile(path: stepsPath, line: number + 1)
      }
      history.steps.append((iteration, loss))
    }
    return history
  }
}

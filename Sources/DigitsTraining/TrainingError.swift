/// Problems a training or evaluation run reports to the user, one line each, naming the file.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
  case corruptRunFile(path: String, line: Int)
  case cannotResume(path: String, reason: String)
  /// `quantity` is "the loss" or "a gradient".
  case notANumber(quantity: String, step: Int, epoch: Int, lastGood: String?)
  case cannotWrite(path: String, reason: String)
  case unknownArchitecture(path: String, reason: String)
  case interrupted(path: String, epoch: Int)
  case cannotRead(path: String, reason: String)
  /// Settings that cannot work together, e.g. more processes than images in a batch.
  case invalidConfiguration(String)

  public var description: String {
    switch self {
    case .corruptRunFile(let path, let line):
      "\(path): line \(line) is not a valid record; the run folder is damaged"
    case .cannotResume(let path, let reason):
      "\(path): cannot resume: \(reason)"
    case .notANumber(let quantity, let step, let epoch, let lastGood):
      "training diverged: \(quantity) is not finite at step \(step) (epoch \(epoch)); "
        + (lastGood.map { "the last good weights are in \($0)" }
          ?? "no epoch had completed, so nothing was saved")
        + ". Try a smaller --lr"
    case .cannotWrite(let path, let reason):
      "\(path): cannot write: \(reason)"
    case .unknownArchitecture(let path, let reason):
      "\(path): not a torchvision ResNet checkpoint: \(reason)"
    case .cannotRead(let path, let reason):
      "\(path): \(reason)"
    case .invalidConfiguration(let reason):
      reason
    case .interrupted(let path, let epoch):
      "interrupted: \(path) holds the run up to epoch \(epoch); continue it with --resume"
    }
  }
}

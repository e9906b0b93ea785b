import DigitsTraining
import Foundation

/// What `digits train` left in a run folder, read back for a report.
public struct RunSummary {
  public var folder: RunFolder
  public var config: TrainingConfig
  public var history: TrainingHistory
  public var report: EvaluationReport

  public init(folder: RunFolder, config: TrainingConfig, history: TrainingHistory, report: EvaluationReport) {
    self.folder = folder
    self.config = config
    self.history = history
    self.report = report
  }

  /// Reads config.json, history.csv, steps.csv and metrics.json; a missing or unreadable file
  /// is named in the error (a run that has not finished has no metrics.json yet).
  public static func load(_ folder: RunFolder) throws -> RunSummary {
    func text(_ path: String) throws -> String {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw TrainingError.cannotRead(
          path: path, reason: "missing or unreadable; is this a finished `digits train` run?")
      }
      return text
    }
    func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
      do { return try decodeJSON(type, from: try text(path)) } catch let error as TrainingError {
        throw error
      } catch {
        throw TrainingError.cannotRead(path: path, reason: "not the JSON `digits train` writes")
      }
    }
    let config = try decode(TrainingConfig.self, folder.config)
    let report = try decode(EvaluationReport.self, folder.metrics)
    let history = try TrainingHistory.read(
      epochCSV: try text(folder.history), stepCSV: try? text(folder.steps), path: folder.history)
    return RunSummary(folder: folder, config: config, history: history, report: report)
  }

  /// Training, validation and test image counts of this run.
  public var splitCounts: (train: Int, validation: Int, test: Int) {
    if let train = report.trainImages, let validation = report.validationImages {
      return (train, validation, report.count)
    }
    // metrics.json without the counts: recompute the split of the 60,000 MNIST training images.
    let validation = Int((60_000 * config.validationRatio).rounded())
    return (min(60_000 - validation, config.trainLimit ?? .max), validation, report.count)
  }
}

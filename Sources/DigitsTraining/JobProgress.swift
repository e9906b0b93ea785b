import DigitsData
import DigitsModels
import Foundation

/// Where a job of several training runs stands (`digits experiment`): which run of how many, and
/// the time the rest should take, estimated from the runs timed so far. Runs are weighed by their
/// training FLOPs (`TrainingConfig.trainingWork`), so a ResNet50 run counts for more than a
/// ResNet34 one and a nomaxpool run for more than either. A run that may stop early (the paper's
/// patience) is expected to do the mean share of its epochs that such runs have done so far.
public struct JobProgress: Sendable {
  /// Each run's planned work, in FLOPs; 0 for one that will not be trained (kept from earlier).
  public let work: [Double]
  /// Whether each run may stop before its last epoch.
  public let mayStopEarly: [Bool]
  private var timedWork = 0.0
  private var timedSeconds = 0.0
  /// The shares of their planned work that finished early-stopping runs did.
  private var earlyStoppingShares: [Double] = []

  public init(work: [Double], mayStopEarly: [Bool]? = nil) {
    self.work = work
    self.mayStopEarly = mayStopEarly ?? work.map { _ in false }
  }

  /// The progress of training `runs` on a training set of `trainCount` images, each at most its
  /// epochs; a run `kept` from earlier is not trained again.
  public init(runs: [TrainingConfig], trainCount: Int, kept: [Bool]) throws {
    // One count per network: each builds the network and runs it once.
    var perImage: [String: Double] = [:]
    mayStopEarly = runs.map { $0.patience > 0 }
    work = try zip(runs, kept).map { config, kept in
      if kept { return 0 }
      let network = "\(config.model.rawValue) \(config.stem.rawValue)"
      let flops = perImage[network] ?? config.trainingWork(images: 1, epochs: 1)
      perImage[network] = flops
      let split = try DataSplit.make(
        count: trainCount, validationRatio: config.validationRatio, seed: config.seed,
        trainLimit: config.trainLimit)
      return flops * Double(split.trainIndices.count * config.epochs)
    }
  }

  /// Run `index` (from 0) took `seconds` for `share` of its planned work (less than 1 when it
  /// stopped early).
  public mutating func record(run index: Int, share: Double = 1, seconds: Double) {
    let done = work[index] * share
    guard done > 0, seconds.isFinite, seconds >= 0 else { return }
    timedWork += done
    timedSeconds += seconds
    if mayStopEarly[index] { earlyStoppingShares.append(share) }
  }

  /// The seconds runs `index` to the last should take, at the seconds per FLOP of the runs timed
  /// so far; nil until a run has been timed.
  public func secondsLeft(from index: Int) -> Double? {
    guard timedWork > 0 else { return nil }
    let expectedShare =
      earlyStoppingShares.isEmpty ? 1 : earlyStoppingShares.reduce(0, +) / Double(earlyStoppingShares.count)
    let left = work.indices.dropFirst(index).reduce(0.0) { sum, run in
      sum + work[run] * (mayStopEarly[run] ? expectedShare : 1)
    }
    return left * timedSeconds / timedWork
  }

  /// "run 3/4", for run `index` (from 0).
  public func position(run index: Int) -> String { "run \(index + 1)/\(work.count)" }

  /// "41 min elapsed, about 55 min left", with runs `next` onwards still to train.
  public func status(elapsed: Double, next: Int) -> String {
    let left = secondsLeft(from: next).map { seconds in
      switch seconds {
      case 0: "no training left"
      case ..<30: "under a minute left"
      default: "about \(Self.minutes(seconds)) left"
      }
    }
    return "\(Self.minutes(elapsed)) elapsed, " + (left ?? "time left known after a run")
  }

  /// "under a minute", "41 min", "2 h 05 min".
  public static func minutes(_ seconds: Double) -> String {
    let minutes = Int((seconds / 60).rounded())
    if minutes == 0 { return "under a minute" }
    return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h " + String(format: "%02d min", minutes % 60)
  }
}

extension TrainingConfig {
  /// The FLOPs of training this network on `images` images for `epochs` epochs: what a run's
  /// time grows with (validation and the test are forward passes of the same network).
  public func trainingWork(images: Int, epochs: Int) -> Double {
    Benchmark.trainingFLOPsPerImage(model, stem: stem) * Double(images) * Double(epochs)
  }
}

import DigitsKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Draws a progress bar per epoch on stderr (redrawn in place on a terminal, a line every
/// tenth of the epoch in a log file) and one summary line per epoch on stdout.
final class ProgressPrinter: TrainingObserver {
  private let interactive = isatty(STDERR_FILENO) != 0
  private var epoch = 0
  private var epochs = 0
  private var lastDrawn = Date.distantPast
  private var lastDecile = -1
  private var epochStart = Date()
  /// The run's settings, until the first epoch gives its length for the notes on the EMA and the
  /// weight decay.
  private var pendingNotes: TrainingConfig?
  /// The last epoch's timing, printed on its summary line.
  private var timing: EpochTiming?

  func runStarted(
    config: TrainingConfig, trainCount: Int, validationCount: Int, parameterCount: Int, resumedEpoch: Int
  ) {
    print(
      "\(config.model.rawValue): \(parameterCount.formatted()) parameters; train \(trainCount.formatted())"
        + (validationCount > 0
          ? ", validation \(validationCount.formatted()) images" : " images, no validation")
        + "; batch \(config.batchSize), \(config.threads) threads; "
        + config.recipeSummary)
    if resumedEpoch > 0 { print("resuming after epoch \(resumedEpoch)") }
    pendingNotes = config
    flush()
  }

  func epochStarted(epoch: Int, epochs: Int, batches: Int) {
    self.epoch = epoch
    self.epochs = epochs
    if let config = pendingNotes {
      pendingNotes = nil
      if let decay = config.ema { noteAnUnreachedDecay(decay, steps: epochs * batches) }
      if let note = DecoupledWeightDecay.negligibleDecayNote(for: config, stepsPerEpoch: batches) {
        print("note: " + note)
        flush()
      }
    }
    lastDecile = -1
    epochStart = Date()
  }

  /// Two --ema values that a run never reaches give the same run: says so rather than let a
  /// sweep find it out.
  private func noteAnUnreachedDecay(_ decay: Float, steps: Int) {
    let needed = WeightAverageWarmUp.steps(toReach: decay)
    guard steps < needed else { return }
    let last = String(format: "%.4f", WeightAverageWarmUp.rate(decay: decay, step: steps))
    print(
      "note: EMA \(decay) warms up as (1 + t) / (10 + t) and reaches \(decay) at step \(needed.formatted()); "
        + "this run's \(steps.formatted()) \(steps == 1 ? "step ends" : "steps end") at \(last), "
        + "so any larger --ema gives the same run")
    flush()
  }

  func stepFinished(
    batch: Int, batches: Int, runningLoss: Float, runningAccuracy: Float, imagesPerSecond: Double
  ) {
    let fraction = Double(batch) / Double(max(batches, 1))
    let decile = Int(fraction * 10)
    if interactive {
      guard Date().timeIntervalSince(lastDrawn) > 0.2 || batch == batches else { return }
      lastDrawn = Date()
    } else {
      guard decile > lastDecile else { return }
    }
    lastDecile = decile
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let perBatch = Date().timeIntervalSince(epochStart) / Double(max(batch, 1))
    let eta = formatDuration(perBatch * Double(batches - batch))
    let line = String(
      format: "epoch %d/%d %@ %d/%d loss %.4f acc %.2f%% %.0f img/s ETA %@", epoch, epochs, bar, batch,
      batches,
      runningLoss, runningAccuracy * 100, imagesPerSecond, eta)
    FileHandle.standardError.write(
      Data(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).utf8))
  }

  func validationStarted(epoch: Int) {
    if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  func epochTimed(_ timing: EpochTiming) { self.timing = timing }

  func epochFinished(_ r: EpochRecord, improved: Bool, stopping: Bool) {
    let validation =
      r.hasValidation
      ? String(format: "val loss %.4f acc %.2f%%", r.validationLoss, r.validationAccuracy * 100)
      : "no validation"
    print(
      String(
        format: "epoch %2d/%d  train loss %.4f acc %.2f%%  %@  lr %.2e  %@%@%@", r.epoch, epochs,
        r.trainLoss, r.trainAccuracy * 100, validation, r.learningRate, formatDuration(r.seconds),
        timing.map(Self.describe) ?? "", improved ? "  * best" : "") + (stopping ? "  (early stop)" : ""))
    flush()
  }

  /// " (train 312 img/s, validation 14 s, saving 0.8 s)": the steps' rate, comparable with
  /// `digits bench`, and what the epoch spent besides them.
  static func describe(_ timing: EpochTiming) -> String {
    String(
      format: " (train %.0f img/s, validation %.0f s, saving %.1f s)", timing.trainImagesPerSecond,
      timing.validationSeconds, timing.savingSeconds)
  }

  private func flush() { fflush(stdout) }
}

func formatDuration(_ seconds: Double) -> String {
  let total = Int(seconds.rounded())
  return total >= 3600
    ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    : String(format: "%d:%02d", total / 60, total % 60)
}

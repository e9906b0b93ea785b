import DigitsData
import DigitsNN
import Foundation

/// The run folder's side of training: a new run's first files, each epoch's checkpoints and
/// history, and a resume from them.
extension Trainer {
  /// A resumed run's state and history, its batches continuing where they stopped; or a new
  /// run's first state, its folder created with config.json.
  func restoreOrInitialise(
    _ network: Network, batches: inout BatchIterator, resume: Bool, writing: RunFolder?
  ) throws -> (ResumeState, TrainingHistory) {
    if resume, let folder {
      let (state, history, saved) = try restore(folder, network)
      batches.generator = state.generator
      // The settings this run now goes on with (a resume may change the epochs and threads); the
      // test's views go in with the test that uses them, so that an interrupted test leaves
      // config.json describing metrics.json.
      if let writing { try writeAtomically(encodeJSON(config.withTestViews(of: saved)), to: writing.config) }
      return (state, history)
    }
    if let writing {
      try writing.create()
      try writeAtomically(encodeJSON(config), to: writing.config)
    }
    let state = ResumeState(
      epoch: 0, iteration: 0, generator: batches.generator,
      earlyStopping: EarlyStopping(patience: config.patience, minDelta: config.minDelta), plateauHalvings: 0)
    return (state, TrainingHistory())
  }

  /// One epoch's files. Order matters for resume: best and history first, the resume state last.
  func save(
    _ folder: RunFolder, _ network: Network, state: ResumeState, history: TrainingHistory, improved: Bool
  ) throws {
    if improved { try network.classifier.save(to: folder.best) }
    try network.classifier.save(to: folder.last)
    try writeAtomically(history.epochCSV, to: folder.history)
    try writeAtomically(history.stepCSV, to: folder.steps)
    try state.save(
      model: network.model, optimizer: network.optimizer, average: network.average, to: folder.resumeState)
  }

  /// Loads the resume state and the history up to its epoch (rows written after it by an
  /// interrupted epoch are dropped: that epoch runs again, identically).
  func restore(_ folder: RunFolder, _ network: Network)
    throws -> (ResumeState, TrainingHistory, saved: TrainingConfig)
  {
    guard let text = try? String(contentsOfFile: folder.config, encoding: .utf8),
      let saved = try? decodeJSON(TrainingConfig.self, from: text)
    else {
      throw TrainingError.cannotResume(
        path: folder.config, reason: "no readable config.json; start without --resume")
    }
    let conflicts = config.resumeConflicts(with: saved)
    guard conflicts.isEmpty else {
      let named = conflicts.map { "\($0.key) \($0.saved), now \($0.now)" }.joined(separator: "; ")
      throw TrainingError.cannotResume(
        path: folder.config,
        reason:
          "the run was started with other settings (\(named)); only --epochs, --threads and the TTA flags may change"
      )
    }
    guard FileManager.default.fileExists(atPath: folder.resumeState) else {
      throw TrainingError.cannotResume(
        path: folder.resumeState, reason: "no epoch has completed yet; start the run again without --resume")
    }
    let state = try ResumeState.load(
      path: folder.resumeState, model: network.model, optimizer: network.optimizer, average: network.average)
    var history = try TrainingHistory.read(
      epochCSV: (try? String(contentsOfFile: folder.history, encoding: .utf8)) ?? TrainingHistory.epochHeader,
      stepCSV: try? String(contentsOfFile: folder.steps, encoding: .utf8), path: folder.history)
    history.epochs = history.epochs.filter { $0.epoch <= state.epoch }
    history.steps = history.steps.filter { $0.iteration <= state.iteration }
    guard history.epochs.count == state.epoch else {
      throw TrainingError.cannotResume(
        path: folder.history, reason: "it has fewer epochs than the saved state")
    }
    return (state, history, saved)
  }
}

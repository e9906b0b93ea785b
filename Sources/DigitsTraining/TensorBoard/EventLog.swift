import Foundation

/// The TensorBoard event file of one training session in a run folder. Each session (a fresh
/// run, or each `--resume`) opens a file of its own, named after the standard
/// `events.out.tfevents.<seconds>.<host>.<pid>` pattern, that begins with the file version and
/// a SessionLog START at the session's first step: TensorBoard then drops what an interrupted
/// session wrote past its last complete epoch (see TensorBoardEvent.sessionStart).
///
/// Records wait in memory and are appended whole, one write per flush, so that a reader (or a
/// kill) never sees half a record from a finished write.
struct EventLog {
  /// How long records may wait in memory, so that a long epoch can be watched live.
  static let flushInterval: TimeInterval = 30
  static let namePrefix = "events.out.tfevents."

  let path: String
  private var pending: [UInt8] = []
  private var lastFlush: Date

  /// Creates the session's file in `folder`, for a session whose first optimiser step will be
  /// `firstStep` (1 for a fresh run).
  init(folder: RunFolder, firstStep: Int, now: Date = Date()) throws {
    path = folder.file(Self.fileName(in: folder, now: now))
    lastFlush = now
    let wallTime = now.timeIntervalSince1970
    let header =
      TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: wallTime))
      + TFRecord.frame(TensorBoardEvent.sessionStart(wallTime: wallTime, step: firstStep))
    do {
      try Foundation.Data(header).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
    } catch {
      throw TrainingError.cannotWrite(path: path, reason: error.localizedDescription)
    }
  }

  /// Adds one event of scalars at `step`, and appends what waits once it has waited
  /// `flushInterval`.
  mutating func add(step: Int, _ values: [(tag: String, value: Float)], now: Date = Date()) throws {
    pending += TFRecord.frame(
      TensorBoardEvent.scalars(wallTime: now.timeIntervalSince1970, step: step, values))
    if now.timeIntervalSince(lastFlush) >= Self.flushInterval { try flush(now: now) }
  }

  /// Appends every waiting record to the file.
  mutating func flush(now: Date = Date()) throws {
    lastFlush = now
    guard !pending.isEmpty else { return }
    do {
      let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      defer { try? file.close() }
      try file.seekToEnd()
      try file.write(contentsOf: pending)
    } catch {
      throw TrainingError.cannotWrite(path: path, reason: error.localizedDescription)
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// TensorBoard reads a run's files in name order, and the START purge only works if a
  /// resumed session's file comes last: the name's seconds are the clock's, or one more than
  /// the newest earlier file's when the clock would sort it before that (a resume within the
  /// same second, or a clock set back).
  static func fileName(in folder: RunFolder, now: Date) -> String {
    let earlier = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { $0.hasPrefix(namePrefix) }
      .compactMap { Int($0.dropFirst(namePrefix.count).prefix { $0 != "." }) }
    let seconds = max(Int(now.timeIntervalSince1970), (earlier.max() ?? 0) + 1)
    return namePrefix + "\(seconds).\(hostName).\(getpid()).digits"
  }

  private static var hostName: String {
    var name = [CChar](repeating: 0, count: 256)
    guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
    return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

import DigitsProtobuf

/// The `Event` messages of tensorboard/compat/proto/event.proto that a run writes, encoded:
/// wall_time (1, double), step (2, int64), then one of file_version (3), summary (5) or
/// session_log (7). Summary is `repeated Value value = 1` with Value's tag (1) and
/// simple_value (2, float); SessionLog's status is field 1.
enum TensorBoardEvent {
  /// The first record of every event file; version 2 is what makes TensorBoard's Python reader
  /// honour SessionLog.START instead of guessing restarts from steps that go backwards.
  static func fileVersion(wallTime: Double) -> [UInt8] {
    var event = header(wallTime: wallTime, step: 0)
    event.string(3, "brain.Event:2")
    return event.bytes
  }

  /// SessionLog { status: START } at `step`: a reader that honours it drops every event of the
  /// run's earlier files whose step is `step` or more (orphaned by an interrupted session).
  static func sessionStart(wallTime: Double, step: Int) -> [UInt8] {
    var log = ProtobufWriter()
    log.int64(1, 1)
    var event = header(wallTime: wallTime, step: step)
    event.message(7, log)
    return event.bytes
  }

  /// One Summary with a simple_value per (tag, value).
  static func scalars(wallTime: Double, step: Int, _ values: [(tag: String, value: Float)]) -> [UInt8] {
    var summary = ProtobufWriter()
    for (tag, value) in values {
      var entry = ProtobufWriter()
      entry.string(1, tag)
      entry.float(2, value)
      summary.message(1, entry)
    }
    var event = header(wallTime: wallTime, step: step)
    event.message(5, summary)
    return event.bytes
  }

  private static func header(wallTime: Double, step: Int) -> ProtobufWriter {
    var event = ProtobufWriter()
    event.double(1, wallTime)
    // proto3 leaves a zero step out; protobuf's own serialiser does the same.
    if step != 0 { event.int64(2, step) }
    return event
  }
}

import Testing

/// Checks that a `digits` run failed as bad input must: a non-zero status, no signal, and exactly
/// one line on stderr that mentions every `needle` (the flag, the value or the file). Returns
/// that line.
@discardableResult
public func expectOneLineFailure(
  _ result: DigitsProcess.Result, mentioning needles: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) -> String {
  #expect(!result.signalled, "ended by a signal: \(result.stderr)", sourceLocation: sourceLocation)
  #expect(result.status != 0, sourceLocation: sourceLocation)
  #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
  for needle in needles {
    #expect(result.stderr.contains(needle), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
  }
  return result.stderr
}

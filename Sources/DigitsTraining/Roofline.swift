import DigitsKernels
import DigitsNN

/// One row of `digits bench --profile`'s roofline: an operation of one shape (every conv of that
/// geometry, every BatchNorm, the optimiser) over the timed training steps, both directions
/// together, or over the timed inference batches, against the best the machine's measured peak
/// allows for its FLOPs per byte.
public struct RooflineRow: Codable, Equatable, Sendable {
  /// "conv 3x3 s1 64→64 @14x14", "batch norm", "optimizer".
  public var operation: String
  /// What ran it: a conv's algorithm(s), e.g. "winograd".
  public var algorithm: String?
  /// Layers of this shape in the network (passes per step, or per batch, in one direction).
  public var layers: Int
  /// Milliseconds per training step, forward and backward (or the optimiser's step), or per
  /// inference batch.
  public var milliseconds: Double
  /// Share of the whole training step (or inference batch).
  public var share: Double
  public var gflops: Double
  public var gbPerS: Double
  /// FLOPs per byte of least traffic.
  public var intensity: Double
  /// Achieved GFLOP/s over the attainable min(peak GFLOP/s, intensity × peak GB/s); for an
  /// operation without FLOPs worth counting, achieved GB/s over the peak bandwidth.
  public var roofFraction: Double
  /// "compute" when its intensity is above the machine's balance point, else "memory".
  public var bound: String

  /// The rows of `profile` (filled over `steps` training steps or inference batches taking
  /// `stepSeconds` in all), largest share first.
  public static func rows(
    from profile: OperationProfile, steps: Int, stepSeconds: Double, peak: MachinePeak
  ) -> [RooflineRow] {
    let byOperation = Dictionary(grouping: profile.rows, by: \.key.row)
    return byOperation.map { operation, entries in
      let totals = entries.map(\.value)
      let seconds = totals.reduce(0) { $0 + $1.seconds }
      let flops = totals.reduce(0) { $0 + $1.flops }
      let bytes = totals.reduce(0) { $0 + $1.bytes }
      let gflops = seconds > 0 ? flops / seconds / 1e9 : 0
      let gbPerS = seconds > 0 ? bytes / seconds / 1e9 : 0
      let intensity = bytes > 0 ? flops / bytes : 0
      let computeBound = intensity > peak.balance
      // Element-wise operations do about a FLOP per float: their limit is the bandwidth.
      let roofFraction =
        intensity >= 1 ? gflops / peak.attainableGflops(intensity: intensity) : gbPerS / peak.bandwidthGBPerS
      let details = totals.reduce(into: Set<String>()) { $0.formUnion($1.details) }
      return RooflineRow(
        operation: operation, algorithm: details.isEmpty ? nil : details.sorted().joined(separator: "/"),
        layers: totals.map { $0.calls / max(1, steps) }.max() ?? 0,
        milliseconds: 1000 * seconds / Double(steps),
        share: stepSeconds > 0 ? seconds / stepSeconds : 0, gflops: gflops, gbPerS: gbPerS,
        intensity: intensity,
        roofFraction: roofFraction, bound: computeBound ? "compute" : "memory")
    }
    .sorted { ($0.share, $1.operation) > ($1.share, $0.operation) }
  }
}

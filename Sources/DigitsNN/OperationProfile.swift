import DigitsKernels
import Foundation

/// Wall time per kind of operation, collected only when a context carries one
/// (`digits bench --profile`); otherwise the layers pay one nil check each.
public final class OperationProfile {
  public enum Kind: String, CaseIterable, Sendable {
    case convolution = "conv"
    case batchNorm = "batch norm"
    case pooling = "pooling"
    case linear = "linear"
    case activation = "relu / residual"
  }

  /// Seconds per label, e.g. "conv forward: winograd", "batch norm backward", "optimizer".
  public private(set) var seconds: [String: Double] = [:]

  public init() {}

  public func add(_ label: String, seconds elapsed: Double) {
    seconds[label, default: 0] += elapsed
  }

  @discardableResult
  public func measure<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
    try measure(body) { label }
  }

  /// Runs `body` and files its time under `label()`, asked once `body` has run.
  @discardableResult
  public func measure<T>(_ body: () throws -> T, filedUnder label: () -> String) rethrows -> T {
    let (result, elapsed) = try Self.clocked(body)
    add(label(), seconds: elapsed)
    return result
  }

  /// `body`'s result and its wall time in seconds.
  @inlinable
  public static func clocked<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }

  /// Time and work per roofline row and direction, for operations that say what they computed
  /// (`WorkMeasuring` layers, and those timed with an explicit `OperationWork`).
  public private(set) var rows: [RowKey: RowTotals] = [:]

  /// A roofline row ("conv 3x3 s1 64→64 @14x14", "batch norm") in one direction.
  public struct RowKey: Hashable, Sendable {
    public var row: String
    public var direction: String

    public init(row: String, direction: String) {
      self.row = row
      self.direction = direction
    }
  }

  public struct RowTotals: Sendable, Equatable {
    public var seconds = 0.0
    public var flops = 0.0
    public var bytes = 0.0
    /// Passes filed here: layers of this shape × steps.
    public var calls = 0
    /// What ran them, e.g. a conv's algorithm.
    public var details: Set<String> = []

    /// The details sorted and joined by "/"; nil without any.
    public var detail: String? { details.isEmpty ? nil : details.sorted().joined(separator: "/") }
  }

  public func add(
    row: String, direction: String, seconds elapsed: Double, work: OperationWork, detail: String?
  ) {
    let key = RowKey(row: row, direction: direction)
    rows[key, default: RowTotals()].seconds += elapsed
    rows[key]?.flops += work.flops
    rows[key]?.bytes += work.bytes
    rows[key]?.calls += 1
    if let detail { rows[key]?.details.insert(detail) }
  }

  public func reset() {
    seconds = [:]
    rows = [:]
  }
}

extension Layer {
  /// The kind a profile files this layer's time under; nil for containers, whose children
  /// are measured instead.
  public var operationKind: OperationProfile.Kind? {
    switch self {
    case is Conv2d: .convolution
    case is BatchNorm2d: .batchNorm
    case is MaxPool2d, is GlobalAvgPool: .pooling
    case is Linear: .linear
    case is ReLU: .activation
    default: nil
    }
  }
}

extension ExecutionContext {
  /// Runs `body`, timing it under "<kind> <direction>" when this context profiles.
  @inlinable
  public func timed<T>(
    _ kind: OperationProfile.Kind?, _ direction: String, work: OperationWork? = nil, _ body: () -> T
  ) -> T {
    guard let profile, let kind else { return body() }
    let (result, elapsed) = OperationProfile.clocked(body)
    profile.add(kind.rawValue + " " + direction, seconds: elapsed)
    if let work {
      profile.add(row: kind.rawValue, direction: direction, seconds: elapsed, work: work, detail: nil)
    }
    return result
  }

  /// Runs `body`, a pass of `layer`, timing it under the layer's kind and `direction` when this
  /// context profiles; a conv's time goes under its algorithm too ("conv forward: winograd"),
  /// which its geometry says once the pass has run.
  @inlinable
  public func timed<T>(_ layer: any Layer, _ direction: String, _ body: () -> T) -> T {
    guard let profile, let kind = layer.operationKind else { return body() }
    let (result, elapsed) = OperationProfile.clocked(body)
    let label = kind.rawValue + " " + direction
    let algorithm = (layer as? Conv2d)?.geometry?.algorithm
    profile.add(algorithm.map { label + ": " + $0.rawValue } ?? label, seconds: elapsed)
    if let measuring = layer as? any WorkMeasuring {
      let pass = measuring.lastPass(direction)
      profile.add(row: pass.row, direction: direction, seconds: elapsed, work: pass.work, detail: pass.detail)
    }
    return result
  }
}

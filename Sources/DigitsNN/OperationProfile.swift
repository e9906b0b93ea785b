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
    let start = DispatchTime.now().uptimeNanoseconds
    defer {
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      add(label(), seconds: elapsed)
    }
    return try body()
  }

  public func reset() { seconds = [:] }
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
  public func timed<T>(_ kind: OperationProfile.Kind?, _ direction: String, _ body: () -> T) -> T {
    guard let profile, let kind else { return body() }
    return profile.measure(kind.rawValue + " " + direction, body)
  }

  /// Runs `body`, a pass of `layer`, timing it under the layer's kind and `direction` when this
  /// context profiles; a conv's time goes under its algorithm too ("conv forward: winograd"),
  /// which its geometry says once the pass has run.
  @inlinable
  public func timed<T>(_ layer: any Layer, _ direction: String, _ body: () -> T) -> T {
    guard let profile, let kind = layer.operationKind else { return body() }
    return profile.measure(body) {
      let label = kind.rawValue + " " + direction
      guard let algorithm = (layer as? Conv2d)?.geometry?.algorithm else { return label }
      return label + ": " + algorithm.rawValue
    }
  }
}

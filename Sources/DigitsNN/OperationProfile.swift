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

  /// Seconds per label, e.g. "conv forward", "optimizer", "data".
  public private(set) var seconds: [String: Double] = [:]

  public init() {}

  public func add(_ label: String, seconds elapsed: Double) {
    seconds[label, default: 0] += elapsed
  }

  @discardableResult
  public func measure<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer { add(label, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
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
}

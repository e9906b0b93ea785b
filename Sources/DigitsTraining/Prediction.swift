import Foundation

/// One classified image, as `digits predict --json` prints it and `digits serve` answers it.
public struct Prediction: Sendable, Equatable {
  public let file: String
  /// One probability per class, summing to 1.
  public let probabilities: [Float]

  public init(file: String, probabilities: [Float]) {
    self.file = file
    self.probabilities = probabilities
  }

  /// The most likely class (the first of equals).
  public var digit: Int {
    probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
  }

  /// `{"file":...,"digit":3,"probabilities":[...]}`, keys in that order, on one line.
  public var json: String {
    let name = String(decoding: try! JSONEncoder().encode(file), as: UTF8.self)
    return "{\"file\":\(name),\"digit\":\(digit),\"probabilities\":["
      + probabilities.map { "\($0)" }.joined(separator: ",") + "]}"
  }
}

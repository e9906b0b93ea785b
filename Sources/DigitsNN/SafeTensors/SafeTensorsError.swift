/// A problem with a safetensors file, as one line that names the file: the command line prints
/// it as is, so each message says what is wrong and, where it helps, how to fix it.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, so callers and tests can branch without parsing the message.
  public enum Kind: Equatable, Sendable {
    case unreadable
    case unwritable
    case badHeaderLength
    case badHeader
    case badOffsets
    case unsupportedDType
    case missingTensor
    case wrongShape
    case wrongDType
    case unexpectedTensors
    case invalidTensor
  }

  public let path: String
  public let kind: Kind
  /// The problem without the file name.
  public let problem: String

  public init(path: String, kind: Kind, problem: String) {
    self.path = path
    self.kind = kind
    // One line, whatever a lower layer put in the text.
    self.problem = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
  }

  public var description: String { "\(path): \(problem)" }
}

import Foundation

/// A fresh folder under the system temporary directory, removed by the test that made it.
public struct TemporaryFolder {
  public let path: String

  public init() throws {
    path =
      FileManager.default.temporaryDirectory.appendingPathComponent("digits-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `bytes` to `name` in the folder and returns the file's path.
  @discardableResult
  public func write(_ bytes: [UInt8], to name: String) throws -> String {
    let file = path + "/" + name
    try Foundation.Data(bytes).write(to: URL(fileURLWithPath: file))
    return file
  }

  public func delete(_ name: String) throws {
    try FileManager.default.removeItem(atPath: path + "/" + name)
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

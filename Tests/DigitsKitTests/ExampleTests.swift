import Foundation
import Testing

/// The README's "Use it from Swift" code is the example package's program, character for
/// character, so that the program CI builds and runs is the one the README shows.
@Suite struct ExampleTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func readmeShowsTheExampleProgram() throws {
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let program = try String(
      contentsOf: Self.root.appendingPathComponent("Examples/DigitsExample/Sources/DigitsExample/main.swift"),
      encoding: .utf8)
    let section = try #require(readme.range(of: "## Use it from Swift"))
    let rest = readme[section.upperBound...]
    let start = try #require(rest.range(of: "```swift\n"))
    let end = try #require(rest[start.upperBound...].range(of: "```\n"))
    #expect(String(rest[start.upperBound..<end.lowerBound]) == program)
  }
}

import DigitsData
import TestSupport
import Testing

/// Every input in Tests/Fixtures/fuzz-regressions/idx (scripts/fuzz.sh) is rejected by both IDX
/// readers, raw or gzip as its name says, with a one-line DataError that names the file.
@Suite struct IDXFuzzRegressionTests {
  static let paths = FuzzRegressions.paths("idx")

  @Test func inputsArePresent() {
    #expect(!Self.paths.isEmpty, "no inputs in \(FuzzRegressions.directory("idx"))")
  }

  @Test(arguments: paths)
  func rejectedWithoutCrashing(_ path: String) {
    let name = String(path.split(separator: "/").last!)
    expectDataError(naming: name, where: { _ in true }) { _ = try IDXImages.read(path: path) }
    expectDataError(naming: name, where: { _ in true }) { _ = try IDXLabels.read(path: path) }
  }
}

import DigitsNN
import TestSupport
import Testing

/// Every input in Tests/Fixtures/fuzz-regressions/safetensors (scripts/fuzz.sh) is rejected by
/// the safetensors reader with a one-line SafeTensorsError that names the file.
@Suite struct SafeTensorsFuzzRegressionTests {
  static let paths = FuzzRegressions.paths("safetensors")

  @Test func inputsArePresent() {
    #expect(!Self.paths.isEmpty, "no inputs in \(FuzzRegressions.directory("safetensors"))")
  }

  @Test(arguments: paths)
  func rejectedWithoutCrashing(_ path: String) {
    do {
      let file = try SafeTensorsFile.read(path: path)
      Issue.record("\(path) was read, with tensors \(file.names)")
    } catch let error as SafeTensorsError {
      #expect(error.description.hasPrefix(path + ": "), "\(error)")
      #expect(!error.description.contains("\n"), "\(error)")
    } catch {
      Issue.record("unexpected error type: \(error)")
    }
  }
}

import Foundation

/// The inputs kept in Tests/Fixtures/fuzz-regressions/<target> for the parsers scripts/fuzz.sh
/// fuzzes (idx, safetensors, image): files that once crashed a parser, and hand-made ones at the
/// same limits. The test of each parser's layer feeds it every file, so a crash found by fuzzing
/// stays fixed once its input is copied there.
public enum FuzzRegressions {
  public static func directory(_ target: String) -> String {
    Fixture.fixturesDirectory + "/fuzz-regressions/" + target
  }

  /// The paths of the inputs, sorted (notes such as README.md are not inputs).
  public static func paths(_ target: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(target))) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map {
      directory(target) + "/" + $0
    }
  }
}

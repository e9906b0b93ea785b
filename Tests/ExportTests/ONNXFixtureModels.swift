import Foundation
import TestSupport
import Testing

/// Not a check: scripts/make_onnx_fixtures.py runs this (DIGITS_ONNX_FIXTURE_DIR=DIR
/// swift test --filter ONNXFixtureModels) to get each seeded model as a checkpoint and as the
/// file `digits export` writes from it, which it then runs in ONNX Runtime.
@Suite struct ONNXFixtureModels {
  static let directory = ProcessInfo.processInfo.environment["DIGITS_ONNX_FIXTURE_DIR"]

  @Test(.enabled(if: directory != nil, "only for scripts/make_onnx_fixtures.py"))
  func writeCheckpointsAndExports() throws {
    let directory = try #require(Self.directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for variant in SeededClassifier.allCases {
      let checkpoint = "\(directory)/\(variant).safetensors"
      try variant.make().save(to: checkpoint)
      let result = try DigitsProcess.run([
        "export", "--checkpoint", checkpoint, "--format", "onnx", "--out", "\(directory)/\(variant).onnx",
      ])
      #expect(result.status == 0, "\(result.stderr)")
    }
  }
}

import Foundation
import TestSupport
import Testing

/// `digits train --protocol improved` trains the best recipe the committed sweep supports: on the
/// stem without max-pool, that of the best group of results/runs/variants, with no other flag.
@Suite struct BestRecipeCommandTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let bestGroup =
    "results/runs/variants/resnet18-nomaxpool-batch64-zeroinit-ttarot8-wd005-cyclemom-ttascale11/seed-0"
  static let command = [
    "train", "--protocol", "improved", "--model", "resnet18", "--stem", "nomaxpool", "--seed", "0",
  ]

  @Test func improvedOnTheStemWithoutMaxPoolIsTheBestGroupsRecipe() throws {
    let written = try Self.train(Self.command)
    let committed = try Self.settings(Self.repository + "/" + Self.bestGroup + "/config.json")
    #expect(written == committed)
  }

  @Test func flagsGivenOverrideTheStemsRecipe() throws {
    let written = try Self.train(
      Self.command + [
        "--epochs", "1", "--batch-size", "32", "--no-zero-init-residual", "--no-cycle-momentum", "--elastic",
        "36",
        "--no-tta",
      ])
    var expected = try Self.settings(Self.repository + "/" + Self.bestGroup + "/config.json")
    for (key, value) in [
      ("epochs", "1"), ("batch_size", "32"), ("zero_init_residual", "false"), ("cycle_momentum", "false"),
      ("elastic", "36"), ("tta", "false"),
      // Without TTA the recipe's rotated and enlarged views go too.
      ("tta_rotation", "0"), ("tta_scale", "1"),
    ] {
      expected[key] = value
    }
    #expect(written == expected)
  }

  /// Trains `arguments` on 20 images (a step an epoch) and returns its config.json's settings.
  static func train(_ arguments: [String]) throws -> [String: String] {
    try SmallMNIST.withData(train: 20, test: 10) { data, out in
      let run = out.path + "/run"
      let result = try DigitsProcess.run(arguments + ["--data-dir", data, "--threads", "2", "--out", run])
      #expect(result.status == 0, "\(result.stderr)")
      return try settings(run + "/config.json")
    }
  }

  /// config.json's keys with their values as JSON, less what only places a run: its seed, threads
  /// and data folder.
  static func settings(_ path: String) throws -> [String: String] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    var fields = try #require(object as? [String: Any])
    for key in ["seed", "threads", "data_directory"] { fields[key] = nil }
    return try fields.mapValues {
      String(
        decoding: try JSONSerialization.data(withJSONObject: $0, options: .fragmentsAllowed), as: UTF8.self)
    }
  }
}

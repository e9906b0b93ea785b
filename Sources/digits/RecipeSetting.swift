import DigitsKit
import Foundation

/// A `digits train` flag whose default is the recipe's (`TrainingConfig(protocol:stem:)`), so that
/// `--help` reads each default from the recipes rather than repeating it.
struct RecipeSetting {
  let flag: String
  let value: (TrainingConfig) -> String

  init<Value>(_ flag: String, _ setting: KeyPath<TrainingConfig, Value>, _ text: @escaping (Value) -> String)
  {
    self.flag = flag
    value = { text($0[keyPath: setting]) }
  }

  static let optimizer = RecipeSetting("--optimizer", \.optimizer, \.rawValue)
  static let lr = RecipeSetting("--lr", \.learningRate, number)
  static let schedule = RecipeSetting("--schedule", \.schedule, \.rawValue)
  static let cycleMomentum = RecipeSetting("--cycle-momentum", \.cycleMomentum, onOff)
  static let batchSize = RecipeSetting("--batch-size", \.batchSize) { "\($0)" }
  static let weightDecay = RecipeSetting("--weight-decay", \.weightDecay, number)
  static let labelSmoothing = RecipeSetting("--label-smoothing", \.labelSmoothing, number)
  static let augment = RecipeSetting("--augment", \.augment, onOff)
  static let elastic = RecipeSetting("--elastic", \.elastic, number)
  static let zeroInitResidual = RecipeSetting("--zero-init-residual", \.zeroInitResidual, onOff)
  static let ema = RecipeSetting("--ema", \.ema) { $0.map(number) ?? "0" }
  static let tta = RecipeSetting("--tta", \.tta, onOff)
  static let ttaRotation = RecipeSetting("--tta-rotation", \.ttaRotation, number)
  static let ttaScale = RecipeSetting("--tta-scale", \.ttaScale, number)
  static let patience = RecipeSetting("--patience", \.patience) { "\($0)" }

  /// Every setting a recipe sets, in the order of the help's table.
  static let all = [
    optimizer, lr, schedule, cycleMomentum, batchSize, weightDecay, labelSmoothing, augment, elastic,
    zeroInitResidual, ema, tta, ttaRotation, ttaScale, patience,
  ]

  /// The recipes: each protocol on torchvision's stem, and on each other stem where that
  /// protocol's recipe differs.
  static let recipes: [Recipe] = TrainingProtocol.allCases.flatMap { recipe in
    let standard = Recipe(recipe, stem: .standard)
    let others = ResNetStem.allCases.filter { $0 != .standard }.map { Recipe(recipe, stem: $0) }.filter {
      var same = $0.config
      same.stem = .standard
      return same != standard.config
    }
    return [standard] + others
  }

  struct Recipe {
    let trainingProtocol: TrainingProtocol
    let stem: ResNetStem
    let config: TrainingConfig

    init(_ recipe: TrainingProtocol, stem: ResNetStem) {
      (trainingProtocol, self.stem) = (recipe, stem)
      config = TrainingConfig(protocol: recipe, stem: stem, threads: 1)
    }

    /// "improved", "improved --stem nomaxpool".
    var name: String { trainingProtocol.rawValue + (stem == .standard ? "" : " --stem \(stem.rawValue)") }
  }

  /// "paper 0, improved 0.0005, or 0.05 with --stem nomaxpool": each protocol's value, and where
  /// a stem changes it, that stem's.
  var defaults: String {
    TrainingProtocol.allCases.map { recipe in
      let ofProtocol = Self.recipes.filter { $0.trainingProtocol == recipe }
      let standard = value(ofProtocol[0].config)
      let others = ofProtocol.dropFirst().compactMap { other in
        let own = value(other.config)
        return own == standard ? nil : "\(own) with --stem \(other.stem.rawValue)"
      }
      return (["\(recipe.rawValue) \(standard)"] + others).joined(separator: ", or ")
    }.joined(separator: ", ")
  }

  /// The recipes side by side, a row per setting, for `digits train --help`.
  static var table: String {
    let header = ["flag"] + recipes.map(\.name)
    let rows = [header] + all.map { setting in [setting.flag] + recipes.map { setting.value($0.config) } }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
  }

  /// 0.0005, 36, 1.1: as short as the value allows.
  static func number(_ value: Float) -> String { String(format: "%g", value) }

  static func onOff(_ value: Bool) -> String { value ? "on" : "off" }
}

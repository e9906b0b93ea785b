import DigitsKernels
import DigitsModels
import DigitsTraining
import Foundation

/// The test-set metrics of an ensemble: the mean of its members' softmax probabilities, each
/// member's best.safetensors normalising the images as it was trained.
public struct EnsembleResult: Codable, Equatable, Sendable {
  /// "paper resnet34: 3 seeds", "paper: all models (6 runs)".
  public var name: String
  /// The members' `RunSummary.label`s ("paper resnet34 seed 0").
  public var members: [String]
  /// Whether each member's probabilities were first averaged over the TTA shifts (when every
  /// member was trained with `tta`).
  public var tta: Bool
  /// The rotated TTA views' angle in degrees when the members used them (0: the shifts only, as
  /// in a results.json written before rotated views existed).
  public var ttaRotation: Float
  /// The factor the TTA views were enlarged by when the members used it (1: none, as in a
  /// results.json written before enlarged views existed).
  public var ttaScale: Float
  public var accuracy: Double
  public var macroPrecision: Double
  public var macroRecall: Double
  public var macroF1: Double

  public init(
    name: String, members: [String], tta: Bool, ttaRotation: Float = 0, ttaScale: Float = 1,
    report: EvaluationReport
  ) {
    self.name = name
    self.members = members
    self.tta = tta
    self.ttaRotation = tta ? ttaRotation : 0
    self.ttaScale = tta ? ttaScale : 1
    accuracy = report.accuracy
    macroPrecision = report.macroPrecision
    macroRecall = report.macroRecall
    macroF1 = report.macroF1
  }

  enum CodingKeys: String, CodingKey {
    case name, members, tta, ttaRotation, ttaScale, accuracy, macroPrecision, macroRecall, macroF1
  }

  /// By hand, so that a results.json without `tta_rotation` or `tta_scale` reads 0 or 1 (an
  /// optional field made the release build of `digits experiment` crash).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    members = try c.decode([String].self, forKey: .members)
    tta = try c.decode(Bool.self, forKey: .tta)
    ttaRotation = try c.decodeIfPresent(Float.self, forKey: .ttaRotation) ?? 0
    ttaScale = try c.decodeIfPresent(Float.self, forKey: .ttaScale) ?? 1
    accuracy = try c.decode(Double.self, forKey: .accuracy)
    macroPrecision = try c.decode(Double.self, forKey: .macroPrecision)
    macroRecall = try c.decode(Double.self, forKey: .macroRecall)
    macroF1 = try c.decode(Double.self, forKey: .macroF1)
  }
}

extension ExperimentReport {
  /// An ensemble the report would evaluate.
  public struct EnsemblePlan {
    public var name: String
    public var members: [RunSummary]
    /// Every member was trained with test-time augmentation, so the ensemble uses it too.
    public var tta: Bool { members.allSatisfy(\.config.tta) }
    /// The rotated views of TTA when every member was tested with the same; 0 otherwise.
    public var ttaRotation: Float { shared(\.ttaRotation, otherwise: 0) }
    /// The factor TTA's views were enlarged by when every member was tested with the same; 1
    /// otherwise.
    public var ttaScale: Float { shared(\.ttaScale, otherwise: 1) }

    private func shared(_ setting: KeyPath<TrainingConfig, Float>, otherwise: Float) -> Float {
      let values = Set(members.map { $0.config[keyPath: setting] })
      return tta && values.count == 1 ? values.first! : otherwise
    }
  }

  /// The seeds of each group with two or more, then per protocol every run of its recipe (all
  /// models and stems) when they come from more than one group.
  public var ensemblePlans: [EnsemblePlan] {
    let groups = self.groups
    var plans = groups.filter { $0.runs.count > 1 }.map {
      EnsemblePlan(name: "\($0.label): \($0.runs.count) seeds", members: $0.runs)
    }
    for recipe in TrainingProtocol.allCases {
      let members = groups.filter { $0.trainingProtocol == recipe && $0.changes.isEmpty }
      guard members.count > 1 else { continue }
      let runs = members.flatMap(\.runs)
      plans.append(EnsemblePlan(name: "\(recipe.rawValue): all models (\(runs.count) runs)", members: runs))
    }
    return plans
  }

  /// Evaluates every planned ensemble whose members all kept best.safetensors on `testSet`;
  /// takes each other one from `earlier` (the `ensembles` of an earlier results.json) when an
  /// entry there has the same members, and notes the rest in `ensembleNotes`. So a report
  /// rebuilt from run folders without their checkpoints keeps the ensembles it found before.
  public mutating func evaluateEnsembles(earlier: [EnsembleResult] = []) throws {
    ensembles = []
    ensembleNotes = []
    // A run in several ensembles (its seeds', its protocol's) is evaluated once.
    var outputs: [String: (labels: [Int], probabilities: [Float], classes: Int)] = [:]
    let plans = ensemblePlans
    let planned = Set(plans.map { Set($0.members.map(\.label)) })
    for plan in plans {
      let labels = plan.members.map(\.label)
      let missing = plan.members.filter { !FileManager.default.fileExists(atPath: $0.folder.best) }
      if let testSet, missing.isEmpty {
        let evaluator = Evaluator(
          testTimeAugmentation: plan.tta, ttaRotation: plan.ttaRotation, ttaScale: plan.ttaScale)
        func key(_ member: RunSummary) -> String {
          "\(plan.tta) \(plan.ttaRotation) \(plan.ttaScale) \(member.folder.best)"
        }
        for member in plan.members where outputs[key(member)] == nil {
          let classifier = try Classifier.load(path: member.folder.best)
          let output = try Workers.run(threads) { try evaluator.probabilities(of: classifier, on: testSet) }
          outputs[key(member)] = (
            output.labels, output.probabilities, classifier.model.classes
          )
        }
        let members = plan.members.map { outputs[key($0)]! }
        let (report, _) = try Evaluator.ensembleReport(
          members.map { ($0.labels, $0.probabilities) }, names: plan.members.map(\.folder.best),
          classes: members.map(\.classes).max()!, name: plan.name)
        ensembles.append(
          EnsembleResult(
            name: plan.name, members: labels, tta: plan.tta, ttaRotation: plan.ttaRotation,
            ttaScale: plan.ttaScale, report: report))
        continue
      }
      let reason =
        testSet == nil
        ? "no test set was given"
        : "\(missing.count) of its \(plan.members.count) members have no best.safetensors (\(missing[0].folder.best))"
      if var kept = earlier.first(where: { Set($0.members) == Set(labels) }) {
        kept.name = plan.name
        // Its members are the plan's, so their configs say which views it used.
        if kept.tta && kept.ttaRotation == 0 { kept.ttaRotation = plan.ttaRotation }
        if kept.tta && kept.ttaScale == 1 { kept.ttaScale = plan.ttaScale }
        ensembles.append(kept)
        ensembleNotes.append("\(plan.name): from the earlier results.json, as \(reason).")
      } else if let part = Self.largestEarlierPart(of: plan, in: earlier, planned: planned) {
        ensembles.append(part)
        ensembleNotes.append(
          "\(plan.name): not evaluated, as \(reason); the earlier results.json's \(part.name) "
            + "(\(part.members.count) of its runs) stands in for it.")
      } else {
        ensembleNotes.append("\(plan.name): not evaluated, as \(reason) and no earlier results.json has it.")
      }
    }
  }

  /// The earlier ensemble with the most members that are all among `plan`'s (at least two), when
  /// it is no ensemble the report plans itself: so when a protocol gains a group and its earlier
  /// runs have no checkpoints, their ensemble of every model survives under its own name.
  static func largestEarlierPart(
    of plan: EnsemblePlan, in earlier: [EnsembleResult], planned: Set<Set<String>>
  ) -> EnsembleResult? {
    let labels = Set(plan.members.map(\.label))
    return
      earlier
      .filter { $0.members.count > 1 && Set($0.members).isStrictSubset(of: labels) }
      .filter { !planned.contains(Set($0.members)) }
      .max { $0.members.count < $1.members.count }
  }

  /// The `ensembles` of the results.json in `directory`, or none when it has no readable one.
  public static func earlierEnsembles(in directory: String) -> [EnsembleResult] {
    struct Earlier: Decodable { var ensembles: [EnsembleResult]? }
    let path = RunFolder(directory).file("results.json")
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let earlier = try? decodeJSON(Earlier.self, from: text)
    else { return [] }
    return earlier.ensembles ?? []
  }
}

import DigitsData
import DigitsKernels
import DigitsModels
import Foundation

/// Everything that decides a training run; saved as config.json in the run folder, and
/// checked on `--resume` so a run is only continued with the settings it started with.
public struct TrainingConfig: Codable, Equatable, Sendable {
  /// The recipe these settings started from (explicit settings may differ from it).
  public var trainingProtocol: TrainingProtocol = .paper
  public var model: ResNetArchitecture = .resnet50
  /// torchvision's stem, or the same network without its max-pool (14x14 maps into stage 1).
  public var stem: ResNetStem = .standard
  public var epochs = 10
  public var batchSize = 128
  /// The base rate; one-cycle's peak.
  public var learningRate: Float = 1e-3
  public var validationRatio = 0.3
  public var patience = 3
  /// An epoch improves on the best only when val_loss < best - minDelta.
  public var minDelta: Float = 0
  public var seed: UInt64 = 0
  public var trainLimit: Int?
  /// Workers for OpenBLAS and the element-wise kernels.
  public var threads: Int
  /// Where the data came from, for the record (the trainer is given the data itself).
  public var dataDirectory: String?
  public var schedule: LearningRateSchedule = .constant
  public var optimizer: OptimizerKind = .adam
  public var weightDecay: Float = 0
  public var labelSmoothing: Float = 0
  /// A one-cycle schedule also moves the momentum (Adam's β1) against the rate, 0.95 → 0.85 →
  /// 0.95, as OneCycleLR's cycle_momentum does by default; off, β1 stays 0.9
  /// (cycle_momentum=False).
  public var cycleMomentum = false
  /// Random affine distortions of the training images, drawn anew for every image of every
  /// epoch from a seeded generator.
  public var augment = false
  /// With `augment`, the ranges of the affine distortion: rotation ±degrees, shift ±translate ×
  /// the side, scale 1 ± scale; `Augmentation.standard`'s in every run written before they were
  /// settings.
  public var augmentDegrees = Augmentation.standard().degrees
  public var augmentTranslate = Augmentation.standard().translate
  public var augmentScale = Augmentation.standard().scale
  /// How the distortions sample the image; bilinear in every run written before the choice existed.
  public var augmentSampling: Augmentation.Sampling = .bilinear
  /// With `augment`, the scale in pixels of an elastic distortion (`ElasticDistortion`) on top of
  /// the affine one, and the width of its smoothing in pixels; 0: none.
  public var elastic: Float = 0
  public var elasticSigma: Float = 6
  /// With `augment`, the last this many epochs train on the images as they are, so the network
  /// ends on the distribution it is tested on; 0: every epoch is augmented.
  public var cleanEpochs = 0
  /// Each residual block's last BatchNorm weight starts at 0 (torchvision's
  /// `zero_init_residual=True`), so the network starts as its shortcuts.
  public var zeroInitResidual = false
  /// Decay of an exponential moving average of the weights and BatchNorm statistics; validation,
  /// checkpoints and the test use the average. Nil: no average.
  public var ema: Float?
  /// The test averages the probabilities of `TestTimeAugmentation.views` (validation does not:
  /// it would cost five forward passes per image every epoch).
  public var tta = false
  /// With `tta`, the degrees of two rotated views added to the shifts; 0: shifts only.
  public var ttaRotation: Float = 0
  /// With `tta`, the factor every view is enlarged by; 1: as it is.
  public var ttaScale: Float = 1
  /// Data-parallel training: how many processes share each batch (informational: a resume may
  /// use another number), and whether BatchNorm normalises over the whole batch across them.
  public var processes = 1
  public var syncBatchNorm = false
  /// Data-parallel: the gradient all-reduce goes in buckets of this many megabytes, each started
  /// while the backward pass still runs; 0 (the default): one all-reduce after it, which measured
  /// as fast or faster where the all-reduce shares the cores with the backward pass. Speed only.
  public var bucketMegabytes = 0

  /// A protocol's settings for a network with `stem` (ResNet50 unless `model` is set), on every
  /// core. `.paper` is the published experiment and `digits train`'s default.
  public init(
    protocol recipe: TrainingProtocol = .paper, stem: ResNetStem = .standard, threads: Int = Workers.available
  ) {
    self.threads = threads
    adopt(recipe, stem: stem)
  }

  /// The distortions the training batches get, nil without `augment`.
  public var augmentation: Augmentation? {
    guard augment else { return nil }
    return Augmentation(
      degrees: augmentDegrees, translate: augmentTranslate, scale: augmentScale, sampling: augmentSampling,
      elastic: elastic > 0 ? ElasticDistortion(alpha: elastic, sigma: elasticSigma) : nil)
  }

  /// Whether the affine ranges are `Augmentation.standard`'s.
  package var hasStandardAffineRanges: Bool {
    let standard = Augmentation.standard()
    return (augmentDegrees, augmentTranslate, augmentScale) == (
      standard.degrees, standard.translate, standard.scale
    )
  }

  /// "rotation ±15.0°, shift ±0.1, scale ±0.1".
  package var affineRangesDescription: String {
    "rotation ±\(augmentDegrees)°, shift ±\(augmentTranslate), scale ±\(augmentScale)"
  }

  /// "validation ratio 0.3", or "no validation split" for a run on every training image.
  public var validationDescription: String {
    validationRatio == 0 ? "no validation split" : "validation ratio \(validationRatio)"
  }

  /// "TTA", or "TTA (rotations ±8.0°, enlarged ×1.1)" with rotated or enlarged views.
  package var ttaDescription: String {
    let extras = Self.testViewExtras(rotation: ttaRotation, scale: ttaScale)
    return extras.isEmpty ? "TTA" : "TTA (\(extras.joined(separator: ", ")))"
  }

  /// ["rotations ±8.0°", "enlarged ×1.1"]: what TTA's views add to the shifts, as the report
  /// names it.
  package static func testViewExtras(rotation degrees: Float, scale: Float) -> [String] {
    (degrees > 0 ? ["rotations ±\(degrees)°"] : []) + (scale != 1 ? ["enlarged ×\(scale)"] : [])
  }

  /// "last epoch unaugmented", "last 2 epochs unaugmented".
  package var cleanEpochsDescription: String {
    cleanEpochs == 1 ? "last epoch unaugmented" : "last \(cleanEpochs) epochs unaugmented"
  }

  /// The distortions of epoch `epoch` (from 1): `augmentation`, or none in the last
  /// `cleanEpochs` epochs.
  public func augmentation(epoch: Int) -> Augmentation? {
    epoch > epochs - cleanEpochs ? nil : augmentation
  }

  /// The settings a resumed run must share with the one it continues (all but the epoch
  /// budget, which a resume may extend, the thread count, and TTA, which changes only the test:
  /// a finished run resumed with other views is tested again).
  public func isResumable(from saved: TrainingConfig) -> Bool { resumeConflicts(with: saved).isEmpty }

  /// The config.json keys, with their saved and present values as JSON, of the settings that
  /// keep this run from resuming `saved`; empty when it can.
  public func resumeConflicts(with saved: TrainingConfig) -> [(key: String, saved: String, now: String)] {
    var mine = withTestViews(of: saved)
    mine.epochs = saved.epochs
    mine.threads = saved.threads
    mine.processes = saved.processes
    mine.bucketMegabytes = saved.bucketMegabytes
    guard mine != saved else { return [] }
    let (before, after) = (saved.jsonFields, mine.jsonFields)
    return Set(before.keys).union(after.keys).sorted().compactMap { key in
      before[key] == after[key] ? nil : (key, before[key] ?? "none", after[key] ?? "none")
    }
  }

  /// This config with the test-time views of `other` (`tta`, `ttaRotation`, `ttaScale`).
  public func withTestViews(of other: TrainingConfig) -> TrainingConfig {
    var mixed = self
    (mixed.tta, mixed.ttaRotation, mixed.ttaScale) = (other.tta, other.ttaRotation, other.ttaScale)
    return mixed
  }

  /// config.json's keys and each value as JSON text.
  private var jsonFields: [String: String] {
    let object = try? JSONSerialization.jsonObject(with: Data(encodeJSON(self).utf8))
    return ((object as? [String: Any]) ?? [:]).mapValues { value in
      let data = try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed)
      return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }
  }

  enum CodingKeys: String, CodingKey {
    case trainingProtocol = "protocol"
    case model, stem, epochs, batchSize, learningRate, validationRatio, patience, minDelta, seed,
      trainLimit, threads, dataDirectory, schedule, optimizer, weightDecay, labelSmoothing, augment,
      augmentDegrees, augmentTranslate, augmentScale, augmentSampling, elastic, elasticSigma, cleanEpochs,
      zeroInitResidual, ema, tta, ttaRotation, ttaScale, cycleMomentum,
      processes, syncBatchNorm,
      bucketMegabytes
  }

  /// Reads config.json. A key it lacks was written before its setting existed, when every run
  /// trained with the paper protocol's value: it keeps that value, whatever protocol and stem the
  /// file names (not the recipe they name today).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(threads: try c.decode(Int.self, forKey: .threads))
    func read<Value: Decodable>(_ key: CodingKeys, _ value: inout Value) throws {
      if let decoded = try c.decodeIfPresent(Value.self, forKey: key) { value = decoded }
    }
    try read(.trainingProtocol, &trainingProtocol)
    try read(.model, &model)
    try read(.stem, &stem)
    try read(.epochs, &epochs)
    try read(.batchSize, &batchSize)
    try read(.learningRate, &learningRate)
    try read(.validationRatio, &validationRatio)
    try read(.patience, &patience)
    try read(.minDelta, &minDelta)
    try read(.seed, &seed)
    try read(.schedule, &schedule)
    try read(.optimizer, &optimizer)
    try read(.weightDecay, &weightDecay)
    try read(.labelSmoothing, &labelSmoothing)
    try read(.augment, &augment)
    try read(.augmentDegrees, &augmentDegrees)
    try read(.augmentTranslate, &augmentTranslate)
    try read(.augmentScale, &augmentScale)
    try read(.augmentSampling, &augmentSampling)
    try read(.elastic, &elastic)
    try read(.elasticSigma, &elasticSigma)
    try read(.cleanEpochs, &cleanEpochs)
    try read(.zeroInitResidual, &zeroInitResidual)
    try read(.tta, &tta)
    try read(.ttaRotation, &ttaRotation)
    try read(.ttaScale, &ttaScale)
    try read(.cycleMomentum, &cycleMomentum)
    try read(.processes, &processes)
    try read(.syncBatchNorm, &syncBatchNorm)
    try read(.bucketMegabytes, &bucketMegabytes)
    trainLimit = try c.decodeIfPresent(Int.self, forKey: .trainLimit)
    dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory)
    ema = try c.decodeIfPresent(Float.self, forKey: .ema)
  }
}

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
  case adam, adamw, sgd
}

extension TrainingConfig {
  /// `bucketMegabytes` in floats; nil for one all-reduce after the backward pass.
  var bucketFloats: Int? {
    bucketMegabytes > 0 ? bucketMegabytes * 1_000_000 / MemoryLayout<Float>.stride : nil
  }

  /// One line naming the recipe: "improved: adamw lr 0.002 (onecycle), weight decay 0.0005,
  /// label smoothing 0.1, augment (elastic 36.0, sigma 6.0), EMA 0.999, TTA, no early stopping".
  public var recipeSummary: String {
    let momentum = cycleMomentum && schedule == .onecycle ? ", momentum cycled" : ""
    var parts = ["\(optimizer.rawValue) lr \(learningRate) (\(schedule.rawValue)\(momentum))"]
    if weightDecay > 0 { parts.append("weight decay \(weightDecay)") }
    if labelSmoothing > 0 { parts.append("label smoothing \(labelSmoothing)") }
    if augment {
      let details =
        (hasStandardAffineRanges ? [] : [affineRangesDescription])
        + (augmentSampling == .bilinear ? [] : [augmentSampling.rawValue])
        + (elastic > 0 ? ["elastic \(elastic), sigma \(elasticSigma)"] : [])
      parts.append(details.isEmpty ? "augment" : "augment (\(details.joined(separator: ", ")))")
      if cleanEpochs > 0 { parts.append(cleanEpochsDescription) }
    }
    if let ema { parts.append("EMA \(ema)") }
    if tta { parts.append(ttaDescription) }
    if zeroInitResidual { parts.append("zero-init residual") }
    if stem != .standard { parts.append("stem \(stem.rawValue)") }
    if processes > 1 { parts.append("\(processes) processes" + (syncBatchNorm ? " with sync-BN" : "")) }
    parts.append(patience > 0 ? "patience \(patience)" : "no early stopping")
    return "\(trainingProtocol.rawValue): " + parts.joined(separator: ", ")
  }
}

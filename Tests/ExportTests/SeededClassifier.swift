import DigitsData
import DigitsModels
import DigitsNN
import TestSupport

/// The four small ResNets ([1, 1, 1, 1] blocks: BasicBlock and Bottleneck, each stem) whose
/// ONNX export scripts/make_onnx_fixtures.py ran in ONNX Runtime (Tests/Fixtures/onnx_tiny).
/// Every value comes from a seeded uniform generator (integer bits, one multiply and one add: no
/// libm), so the weights, and with them the exported bytes, are the same on every machine.
enum SeededClassifier: String, CaseIterable, CustomStringConvertible {
  case basicStandard = "basic_standard"
  case basicNoMaxPool = "basic_nomaxpool"
  case bottleneckStandard = "bottleneck_standard"
  case bottleneckNoMaxPool = "bottleneck_nomaxpool"

  var description: String { rawValue }

  var bottleneck: Bool { self == .bottleneckStandard || self == .bottleneckNoMaxPool }
  var stem: ResNetStem { self == .basicStandard || self == .bottleneckStandard ? .standard : .nomaxpool }

  /// Not MNIST's for the max-pool-less stems, so that the graph's normalisation is seen to come
  /// from the checkpoint.
  var normalization: Normalization { stem == .standard ? .mnist : Normalization(mean: 0.25, std: 0.5) }

  /// One classifier per variant, made once, for the tests that export it: exporting only reads
  /// the weights.
  var shared: Classifier { Self.made[self]! }
  private static let made = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.make()) })

  func make() -> Classifier {
    let model = ResNet(blocksPerStage: [1, 1, 1, 1], bottleneck: bottleneck, stem: stem)
    var random = TestRandom(seed: 17 + UInt64(Self.allCases.firstIndex(of: self)!))
    for arena in [model.parameters, model.buffers] {
      for slot in arena.slots where slot.layout != .counter {
        let range = Self.range(of: slot)
        let width = range.upperBound - range.lowerBound
        // 24 random bits scaled exactly into [0, 1): one multiply and one add per value, and
        // unlike Float.random (generic, unspecialised in a debug build) fast enough for the
        // 14 million values of the Bottleneck model.
        for index in 0..<slot.count {
          let unit = Float(random.next() >> 40) * 0x1p-24
          arena.values[slot.offset + index] = range.lowerBound + width * unit
        }
      }
    }
    return Classifier(model: model, normalization: normalization, name: bottleneck ? "resnet14" : "resnet10")
  }

  /// Convs uniform with variance 2 / fan-in (He's, so activations keep their scale through the
  /// ReLUs); BatchNorm statistics and affine parameters far enough from the identity that
  /// folding them matters; fc as torch.nn.Linear initialises it.
  private static func range(of slot: ArenaSlot) -> Range<Float> {
    let fanIn = Float(slot.torchShape.dropFirst().reduce(1, *))
    switch slot.name.split(separator: ".").last {
    case "running_var": return 0.5..<2
    case "running_mean": return -0.5..<0.5
    case "bias" where slot.name.hasPrefix("fc"): return -0.1..<0.1
    case "bias": return -0.5..<0.5
    case "weight" where slot.torchShape.count == 4:
      let bound = (6 / fanIn).squareRoot()
      return -bound..<bound
    case "weight" where slot.torchShape.count == 1: return 0.5..<1.5
    default:  // fc.weight
      let bound = 1 / fanIn.squareRoot()
      return -bound..<bound
    }
  }
}

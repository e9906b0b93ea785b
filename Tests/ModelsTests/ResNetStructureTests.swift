import DigitsModels
import DigitsNN
import TestSupport
import Testing

/// Parameter counts (1-channel stem, 10 classes, as torchvision counts them), state_dict names and the
/// torchvision initialisation.
@Suite struct ResNetStructureTests {
  @Test(arguments: [
    (ResNetArchitecture.resnet18, 11_175_370), (.resnet34, 21_283_530), (.resnet50, 23_522_250),
  ])
  func parameterCountMatchesTorchvision(_ architecture: ResNetArchitecture, expected: Int) {
    #expect(ResNet(architecture).parameterCount == expected)
  }

  @Test func stateDictNamesFollowTorchvision() {
    let model = ResNet(.resnet50)
    let names = Set((model.parameters.slots + model.buffers.slots).map(\.name))
    for name in [
      "conv1.weight", "bn1.running_var", "layer1.0.downsample.0.weight", "layer1.0.conv3.weight",
      "layer4.2.bn3.num_batches_tracked", "fc.weight", "fc.bias",
    ] {
      #expect(names.contains(name), "missing \(name)")
    }
    #expect(!names.contains("layer1.1.downsample.0.weight"))
    // torchvision's resnet50 state_dict has 320 entries: 161 parameters, 159 buffers.
    #expect(model.parameters.slots.count == 161 && model.buffers.slots.count == 159)
  }

  @Test func initialisationFollowsTorchvision() {
    let model = ResNet(.resnet18)
    var random = TestRandom(seed: 1)
    model.initialize(using: &random)
    // conv1: 64·7·7 = 3136 values ~ N(0, 2 / fan_out), fan_out = 64·49.
    let stem = torchValue(model.parameters, "conv1.weight")
    let std = (stem.map { $0 * $0 }.reduce(0, +) / Float(stem.count)).squareRoot()
    let expected = (2 / Float(64 * 49)).squareRoot()
    #expect(abs(std - expected) / expected < 0.05)
    #expect(torchValue(model.parameters, "bn1.weight").allSatisfy { $0 == 1 })
    #expect(torchValue(model.buffers, "bn1.running_var").allSatisfy { $0 == 1 })
    let bound = 1 / Float(512).squareRoot()
    let fc = torchValue(model.parameters, "fc.weight")
    #expect(fc.allSatisfy { abs($0) <= bound } && fc.contains { abs($0) > bound * 0.9 })
  }

  /// torchvision's zero_init_residual: only the last BN weight of each block (bn2 of a
  /// BasicBlock, bn3 of a Bottleneck) changes, to 0; every other value is the plain initialisation.
  @Test(arguments: [(ResNetArchitecture.resnet18, "bn2", 8), (.resnet50, "bn3", 16)])
  func zeroInitResidualZeroesEachBlocksLastNormOnly(
    _ architecture: ResNetArchitecture, last: String, blocks: Int
  ) {
    let (plain, zeroed) = (ResNet(architecture), ResNet(architecture))
    var (first, second) = (TestRandom(seed: 3), TestRandom(seed: 3))
    plain.initialize(using: &first)
    zeroed.initialize(using: &second, zeroInitResidual: true)
    var zeroedNames: [String] = []
    for slot in plain.parameters.slots {
      let (before, after) = (
        torchValue(plain.parameters, slot.name), torchValue(zeroed.parameters, slot.name)
      )
      if slot.name.hasPrefix("layer") && slot.name.hasSuffix(".\(last).weight") {
        #expect(before.allSatisfy { $0 == 1 } && after.allSatisfy { $0 == 0 }, "\(slot.name)")
        zeroedNames.append(slot.name)
      } else {
        #expect(before == after, "\(slot.name) changed")
      }
    }
    #expect(zeroedNames.count == blocks)
  }
}

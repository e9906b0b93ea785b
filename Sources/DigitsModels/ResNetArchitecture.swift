/// The five torchvision depths: blocks per stage and block kind.
public enum ResNetArchitecture: String, CaseIterable, Sendable, Codable {
  case resnet18, resnet34, resnet50, resnet101, resnet152

  public var blocksPerStage: [Int] {
    switch self {
    case .resnet18: [2, 2, 2, 2]
    case .resnet34, .resnet50: [3, 4, 6, 3]
    case .resnet101: [3, 4, 23, 3]
    case .resnet152: [3, 8, 36, 3]
    }
  }

  /// ResNet50 and deeper use Bottleneck blocks (expansion 4), the others BasicBlock.
  public var usesBottleneck: Bool {
    switch self {
    case .resnet18, .resnet34: false
    default: true
    }
  }

}

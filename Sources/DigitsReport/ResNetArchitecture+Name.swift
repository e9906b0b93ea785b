import DigitsModels

extension ResNetArchitecture {
  /// "ResNet34": how the report's prose names the network.
  var displayName: String { "ResNet" + rawValue.dropFirst("resnet".count) }
}

/// What comes before stage 1. torchvision's stem divides a 28x28 digit by four (7x7 maps into
/// layer1); without its max-pool the stages see 14x14 maps, about 2.8x the compute of ResNet18
/// and better accuracy on small images. The state_dict keys are the same either way, so the
/// checkpoint's metadata says which (PyTorch: `m.maxpool = torch.nn.Identity()`).
public enum ResNetStem: String, Codable, CaseIterable, Sendable {
  /// conv 7x7 stride 2, BatchNorm, ReLU, max-pool 3x3 stride 2.
  case standard
  /// conv 7x7 stride 2, BatchNorm, ReLU.
  case nomaxpool
}

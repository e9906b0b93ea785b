import DigitsData
import DigitsNN

/// A trained classifier as saved on disk: the ResNet state_dict plus, in the safetensors
/// `__metadata__`, the model name and the input normalisation it was trained with.
public struct Classifier {
  public let model: ResNet
  public let normalization: Normalization
  /// The architecture's name ("resnet34"), or for a depth torchvision has no constructor for,
  /// the one the checkpoint's metadata gives ("resnet10").
  public let name: String

  public init(model: ResNet, normalization: Normalization, name: String? = nil) {
    self.model = model
    self.normalization = normalization
    self.name = name ?? model.name
  }

  /// Reads a checkpoint written by `digits train` or by PyTorch (`save_file(model.state_dict())`;
  /// without metadata the MNIST normalisation is assumed).
  public static func load(path: String) throws -> Classifier {
    let file = try SafeTensorsFile.read(path: path)
    let model = try ResNet(checkpoint: file)
    var normalization = Normalization.mnist
    if let mean = file.metadata["normalization_mean"].flatMap(Float.init),
      let std = file.metadata["normalization_std"].flatMap(Float.init)
    {
      normalization = Normalization(mean: mean, std: std)
    }
    // The tensors decide a standard architecture's name; a label in the metadata only names
    // depths torchvision has no constructor for.
    let label = model.architecture == nil ? file.metadata["model"] : nil
    return Classifier(model: model, normalization: normalization, name: label)
  }

  public func save(to path: String) throws {
    try model.save(to: path, metadata: metadata)
  }

  public var metadata: [String: String] {
    [
      "format": "pt", "model": name, "classes": "\(model.classes)",
      "in_channels": "\(model.inputChannels)", "normalization_mean": "\(normalization.mean)",
      "normalization_std": "\(normalization.std)", "producer": "digits", "stem": model.stemLayout.rawValue,
    ]
  }
}

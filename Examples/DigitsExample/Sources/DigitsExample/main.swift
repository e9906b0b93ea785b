import DigitsKit

// Train ResNet18 for one epoch on 5,000 MNIST images, in memory, on every core.
let mnist = try MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: true)
var config = TrainingConfig()
config.model = .resnet18
config.epochs = 1
config.trainLimit = 5000
config.batchSize = 64
config.validationRatio = 0.05
let outcome = try Trainer(config: config).train(TrainingData(mnist))
print("test accuracy after one epoch: \(outcome.report!.accuracy)")

// Save the model as a torchvision checkpoint, load it back, and read a handwritten digit.
try outcome.classifier.save(to: "resnet18.safetensors")
let recognizer = try DigitRecognizer(checkpoint: "resnet18.safetensors")
let image = CommandLine.arguments.dropFirst().first ?? "three.png"
let prediction = try recognizer.classify(imageFile: image)
print("\(image): \(prediction.digit) (p = \(prediction.probabilities[prediction.digit]))")

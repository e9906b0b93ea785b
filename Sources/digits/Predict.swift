import ArgumentParser
import DigitsKit
import Foundation

struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Classify images of handwritten digits (PNG, JPEG, PGM) with a checkpoint.",
    discussion: """
      Each IMAGE is a file or a folder (its .png, .jpg, .jpeg and .pgm files, sorted by name; \
      not its subfolders). PNG may be gray, gray+alpha, RGB, RGBA or palette, 8 or 16 bit; PGM \
      binary (P5), 8 or 16 bit; transparency is composited over white. Every image is prepared \
      as MNIST was made: grayscale, inverted when its border is light, paper tone subtracted, \
      cropped to the ink, scaled to fit 20x20 keeping the aspect ratio, centred by its centre \
      of mass in 28x28, then normalised as the checkpoint's model was trained. An image without \
      ink is classified as the blank 28x28 it becomes. Prints, per file, the digit and the \
      --top most likely digits with their probabilities; --json prints one object per line: \
      {"file","digit","probabilities"}. A file that cannot be read or decoded gets one line on \
      stderr naming it; the other files are still classified, and the exit status is then 1.
      """)

  @Option(help: "A .safetensors checkpoint (from `digits train` or a PyTorch state_dict).")
  var checkpoint: String
  @Argument(help: ArgumentHelp("Image files or folders of them.", valueName: "image"))
  var images: [String]
  @Flag(help: "Print one JSON object per file and line instead of text.") var json = false
  @Option(help: "Number of most likely digits shown per file in the text output (1 to 10).") var top = 3
  @Option(
    help: ArgumentHelp(
      "Write the 28x28 image the model saw for each file into this folder.", valueName: "dir"))
  var savePreprocessed: String?
  @Option(help: "Images per forward pass.") var batchSize = 256
  @OptionGroup var threads: ThreadOptions

  func validate() throws {
    if !(1...10).contains(top) { throw InputProblem("--top must be between 1 and 10, got \(top)") }
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
  }

  func run() throws {
    let recognizer = try DigitRecognizer(checkpoint: checkpoint, threads: threads.count, batchSize: batchSize)
    let inputs = ImageInputs(images)
    inputs.problems.forEach(reportProblem)
    var failures = inputs.problems.count
    var files: [String] = []
    var pixels: [[UInt8]] = []
    for file in inputs.files {
      do {
        pixels.append(try DigitImage(contentsOfFile: file).mnistPixels())
        files.append(file)
      } catch {
        reportProblem("\(error)")
        failures += 1
      }
    }
    if let savePreprocessed {
      var folder = try PreprocessedFolder(path: savePreprocessed)
      for (file, image) in zip(files, pixels) {
        try folder.save(image, side: DigitImage.mnistSide, for: file)
      }
    }
    for prediction in recognizer.classify(mnistImages: pixels, names: files) {
      print(
        json
          ? prediction.json
          : Self.textLine(file: prediction.file, probabilities: prediction.probabilities, top: top))
    }
    if failures > 0 { throw ExitCode(1) }
  }

  private func reportProblem(_ line: String) {
    FileHandle.standardError.write(Foundation.Data("Error: \(line)\n".utf8))
  }

  /// `three.png: 3 97.3% | 8 1.5% | 5 0.4%`, most likely first.
  static func textLine(file: String, probabilities: [Float], top: Int) -> String {
    let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(top)
    return "\(file): "
      + ranked.map { String(format: "%d %.1f%%", $0, probabilities[$0] * 100) }.joined(separator: " | ")
  }
}

import DigitsData
import DigitsImaging
import DigitsModels
import DigitsTraining
import Foundation
import TestSupport
import Testing

/// `digits predict` end to end, as a process: MNIST test digits exported as a person would
/// photograph them must get the prediction `digits evaluate` gives on the raw tensor; bad files
/// get one line each on stderr while the good ones are still classified.
@Suite struct PredictCommandTests {
  static let checkpoint = Fixture.fixturesDirectory + "/checkpoint_tiny.safetensors"
  static let test = try! MNIST.load(directory: MNIST.bundledDirectory, verifyChecksums: false).test

  struct Line: Decodable {
    let file: String
    let digit: Int
    let probabilities: [Float]
  }

  static func digit(_ i: Int) -> ArraySlice<UInt8> { test.pixels[(i * 784)..<((i + 1) * 784)] }

  static func lines(_ stdout: String) throws -> [Line] {
    try stdout.split(separator: "\n").map {
      try JSONDecoder().decode(Line.self, from: Foundation.Data($0.utf8))
    }
  }

  /// The first 12 test digits as 4x dark-on-light RGB PNG, JPEG and light-on-dark PNG.
  static func writeExports(to folder: TemporaryFolder) throws -> [(file: String, index: Int)] {
    var files: [(String, Int)] = []
    for i in 0..<12 {
      let dark = exportedDigit(digit(i))
      let light = exportedDigit(digit(i), darkOnLight: false)
      let name = String(format: "%02d", i)
      files.append(
        (
          try folder.write(ImageEncoder.png(dark, width: 112, height: 112, channels: 3), to: "\(name)a.png"),
          i
        ))
      files.append(
        (
          try folder.write(ImageEncoder.jpeg(dark, width: 112, height: 112, channels: 3), to: "\(name)b.jpg"),
          i
        ))
      files.append(
        (
          try folder.write(ImageEncoder.png(light, width: 112, height: 112, channels: 3), to: "\(name)c.PNG"),
          i
        ))
    }
    return files
  }

  /// The checkpoint is PyTorch's tiny ResNet with random weights, so agreeing digits alone prove
  /// little (it favours a few classes). The probabilities must also agree, far more closely than
  /// those of two different digits do: that fails for a transposed, shifted, unnormalised or
  /// wrongly inverted image.
  @Test func exportedMNISTDigitsMatchTheRawTensor() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let files = try Self.writeExports(to: folder)
    let result = try DigitsProcess.run(["predict", "--checkpoint", Self.checkpoint, "--json", folder.path])
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    let lines = try Self.lines(result.stdout)
    // Folder contents come sorted by name: the order `writeExports` made them in.
    #expect(lines.map(\.file) == files.map(\.file))

    let classifier = try Classifier.load(path: Self.checkpoint)
    let raw = LabeledImages(
      rows: 28, cols: 28, pixels: Array(Self.test.pixels.prefix(12 * 784)),
      labels: Array(Self.test.labels.prefix(12)))
    let evaluated = try Evaluator().evaluate(
      classifier.model, data: raw, normalization: classifier.normalization, keepProbabilities: true)
    let rawProbabilities = (0..<12).map { Array(evaluated.probabilities[($0 * 10)..<($0 * 10 + 10)]) }

    var agreeing = 0
    var worst: Float = 0
    for (line, (_, index)) in zip(lines, files) {
      #expect(line.probabilities.count == 10 && abs(line.probabilities.reduce(0, +) - 1) < 1e-4)
      #expect(
        line.digit == line.probabilities.indices.max { line.probabilities[$0] < line.probabilities[$1] })
      if line.digit == evaluated.predictions[index] { agreeing += 1 }
      worst = max(worst, maxAbsDifference(line.probabilities, rawProbabilities[index]))
    }
    let betweenDigits = (1..<12).map { maxAbsDifference(rawProbabilities[$0], rawProbabilities[$0 - 1]) }
    let typicalBetween = betweenDigits.sorted()[betweenDigits.count / 2]
    print(
      "predict vs evaluate: \(agreeing)/\(lines.count) digits agree; max |Δp| \(worst), between digits \(typicalBetween)"
    )
    #expect(agreeing == lines.count)
    #expect(worst < typicalBetween / 4, "max |Δp| \(worst), median between digits \(typicalBetween)")
  }

  /// The acceptance check with a trained model, opt-in as it takes minutes:
  /// `DIGITS_PREDICT_CHECKPOINT=runs/resnet34/best.safetensors [DIGITS_PREDICT_COUNT=1000]`.
  /// The first COUNT test digits as 4x dark-on-light RGB PNGs through `digits predict` must get
  /// the digit `digits evaluate`'s path gives on the raw tensor for at least 99% of them.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["DIGITS_PREDICT_CHECKPOINT"] != nil))
  func trainedModelAgreesWithEvaluate() throws {
    let environment = ProcessInfo.processInfo.environment
    let checkpoint = environment["DIGITS_PREDICT_CHECKPOINT"]!
    let count = environment["DIGITS_PREDICT_COUNT"].flatMap(Int.init) ?? 1000
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    for i in 0..<count {
      let png = ImageEncoder.png(exportedDigit(Self.digit(i)), width: 112, height: 112, channels: 3)
      try folder.write(png, to: String(format: "%05d.png", i))
    }
    let result = try DigitsProcess.run(["predict", "--checkpoint", checkpoint, "--json", folder.path])
    #expect(result.status == 0, "\(result.stderr)")
    let predicted = try Self.lines(result.stdout).map(\.digit)
    let classifier = try Classifier.load(path: checkpoint)
    let raw = LabeledImages(
      rows: 28, cols: 28, pixels: Array(Self.test.pixels.prefix(count * 784)),
      labels: Array(Self.test.labels.prefix(count)))
    let evaluated = try Evaluator().evaluate(
      classifier.model, data: raw, normalization: classifier.normalization)
    let agreeing = zip(predicted, evaluated.predictions).filter { $0 == $1 }.count
    let correct = zip(predicted, raw.labels).filter { $0 == Int($1) }.count
    print(
      "predict on PNGs vs evaluate on raw: \(agreeing)/\(count) agree; accuracy \(correct)/\(count) on PNGs, "
        + "\(evaluated.accuracy * Float(count)) on raw")
    #expect(predicted.count == count && agreeing * 100 >= count * 99)
  }

  @Test func badFilesAreNamedAndTheGoodOnesStillClassified() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let good = try folder.write(
      ImageEncoder.png(exportedDigit(Self.digit(0)), width: 112, height: 112, channels: 3), to: "good.png")
    let text = try folder.write(Array("not an image\n".utf8), to: "notes.png")
    let empty = try folder.write([], to: "empty.jpg")
    let missing = folder.path + "/missing.pgm"
    let result = try DigitsProcess.run([
      "predict", "--checkpoint", Self.checkpoint, text, good, empty, missing, "--top", "2",
    ])
    #expect(!result.signalled && result.status == 1)
    #expect(result.stderrLines.count == 3, "\(result.stderr)")
    for (line, file) in zip(result.stderrLines, [text, empty, missing]) {
      #expect(line.contains(file), "\(line)")
    }
    let out = result.stdout.split(separator: "\n")
    #expect(out.count == 1 && out[0].hasPrefix(good + ": "), "\(result.stdout)")
    // "--top 2": the two most likely digits with their percentages.
    #expect(out.first?.split(separator: "|").count == 2, "\(result.stdout)")
  }

  @Test func savePreprocessedWritesWhatTheModelSaw() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try folder.write(
      ImageEncoder.png(exportedDigit(Self.digit(3)), width: 112, height: 112, channels: 3), to: "three.png")
    let saved = folder.path + "/seen"
    let result = try DigitsProcess.run([
      "predict", "--checkpoint", Self.checkpoint, input, input, "--save-preprocessed", saved,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: saved).sorted()
    #expect(names == ["three-2.png", "three.png"])
    let seen = try DigitImage(contentsOfFile: saved + "/three.png")
    #expect(seen.width == 28 && seen.height == 28)
    #expect(seen.pixels == (try DigitImage(contentsOfFile: input).mnistPixels()))
  }

  @Test(arguments: [
    (["--top", "11"], "--top"),
    (["--batch-size", "0"], "--batch-size"),
  ])
  func badFlagIsOneLine(flag: [String], mentions: String) throws {
    let result = try DigitsProcess.run(["predict", "--checkpoint", Self.checkpoint, "x.png"] + flag)
    #expect(result.status != 0 && !result.signalled)
    #expect(result.stderrLines.count == 1 && result.stderr.contains(mentions), "\(result.stderr)")
  }

  @Test func folderWithoutImagesAndMissingCheckpointAreNamed() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(Array("x".utf8), to: "readme.txt")
    let empty = try DigitsProcess.run(["predict", "--checkpoint", Self.checkpoint, folder.path])
    #expect(
      empty.status == 1 && empty.stderrLines.count == 1 && empty.stderr.contains(folder.path),
      "\(empty.stderr)")
    let missing = try DigitsProcess.run(
      ["predict", "--checkpoint", "missing.safetensors", folder.path], in: folder.path)
    #expect(
      missing.status != 0 && missing.stderrLines.count == 1 && missing.stderr.contains("missing.safetensors"))
  }
}

import DigitsKit
import Foundation

/// `--save-preprocessed DIR`: the 28x28 image the model saw for each input, as DIR/<name>.png,
/// where <name> is the input's file name without its extension (-2, -3, ... when two inputs
/// share a name). Each file is written whole (a temporary file, then a rename).
struct PreprocessedFolder {
  let path: String
  private var used: Set<String> = []

  init(path: String) throws {
    self.path = path
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw InputProblem(
        "\(path): cannot create folder for --save-preprocessed (\(error.localizedDescription))")
    }
  }

  mutating func save(_ pixels: [UInt8], side: Int, for input: String) throws {
    let stem = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
    var name = stem + ".png"
    var copy = 2
    while used.contains(name) {
      name = "\(stem)-\(copy).png"
      copy += 1
    }
    used.insert(name)
    let file = (path as NSString).appendingPathComponent(name)
    do {
      try Foundation.Data(ImageEncoder.png(pixels, width: side, height: side)).write(
        to: URL(fileURLWithPath: file), options: .atomic)
    } catch {
      throw InputProblem("\(file): cannot write (\(error.localizedDescription))")
    }
  }
}

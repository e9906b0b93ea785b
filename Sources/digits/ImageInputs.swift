import Foundation

/// The image files named on the command line: files as given (a missing one fails later, when it
/// is read, with the system's reason), folders replaced by the image files directly inside them
/// (not their subfolders), sorted by name.
struct ImageInputs {
  static let extensions: Set<String> = ["png", "jpg", "jpeg", "pgm"]

  var files: [String] = []
  /// One line per folder that could not be listed or holds no image.
  var problems: [String] = []

  init(_ arguments: [String]) {
    for argument in arguments {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue
      else {
        files.append(argument)
        continue
      }
      do {
        let images = try FileManager.default.contentsOfDirectory(atPath: argument).sorted().filter {
          Self.extensions.contains(($0 as NSString).pathExtension.lowercased())
        }.map { (argument as NSString).appendingPathComponent($0) }
        let found = images.filter { !Self.isDirectory($0) }
        if found.isEmpty {
          problems.append("\(argument): no .png, .jpg, .jpeg or .pgm file in this folder")
        }
        files += found
      } catch {
        problems.append("\(argument): cannot list folder (\(error.localizedDescription))")
      }
    }
  }

  private static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}

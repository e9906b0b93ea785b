/// The four IDX files of MNIST and of data sets that copy its layout (Fashion-MNIST, KMNIST).
public enum MNISTFile: String, CaseIterable, Sendable {
  case trainImages = "train-images-idx3-ubyte"
  case trainLabels = "train-labels-idx1-ubyte"
  case testImages = "t10k-images-idx3-ubyte"
  case testLabels = "t10k-labels-idx1-ubyte"

  /// Published MD5s of the uncompressed original MNIST files (see data/mnist/README.md).
  public var mnistMD5: String {
    switch self {
    case .trainImages: return "6bbc9ace898e44ae57da46a324031adb"
    case .trainLabels: return "a25bea736e30d166cdddb491f175f624"
    case .testImages: return "2646ac647ad5339dbf082846283269ea"
    case .testLabels: return "27ae3e4e09519cfbb04c329615203637"
    }
  }

  /// The raw name first (no inflate needed), then the gzip one.
  public var candidateNames: [String] { [rawValue, rawValue + ".gz"] }

  /// The path of this file in `directory`, raw or `.gz`.
  public func locate(in directory: String) throws -> String {
    for name in candidateNames {
      let path = joinPath(directory, name)
      if fileExists(path) { return path }
    }
    throw DataError.missingFile(directory: directory, triedNames: candidateNames)
  }
}

/// Throws unless `bytes` (uncompressed) have the expected MD5.
public func verifyMD5(_ bytes: [UInt8], expected: String, path: String) throws {
  let found = md5Hex(bytes)
  guard found == expected.lowercased() else {
    throw DataError.checksumMismatch(path: path, found: found, expected: expected)
  }
}

func joinPath(_ directory: String, _ name: String) -> String {
  directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

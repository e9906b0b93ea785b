import Foundation
import TestSupport
import Testing

/// `digits train --data-dir` on a folder whose four IDX files are valid but for one damaged
/// file: the run fails with one line naming that file, before creating the run folder.
@Suite struct MalformedDataCommandTests {
  enum Damage: String, CaseIterable, CustomStringConvertible {
    case wrongMagic, truncated, notGzip, countMismatch
    var description: String { rawValue }
  }

  @Test(arguments: Damage.allCases)
  func damagedFileIsNamed(_ damage: Damage) throws {
    let directory = try TemporaryFolder()
    defer { directory.remove() }
    let damaged: String
    try directory.write(IDXBytes.images(count: 20, rows: 28, cols: 28), to: "train-images-idx3-ubyte")
    try directory.write(IDXBytes.labels((0..<20).map { UInt8($0 % 10) }), to: "train-labels-idx1-ubyte")
    try directory.write(IDXBytes.images(count: 10, rows: 28, cols: 28), to: "t10k-images-idx3-ubyte")
    try directory.write(IDXBytes.labels((0..<10).map { UInt8($0 % 10) }), to: "t10k-labels-idx1-ubyte")
    switch damage {
    case .wrongMagic:
      // An images header in a labels file.
      damaged = "train-labels-idx1-ubyte"
      try directory.write(IDXBytes.images(count: 20, rows: 28, cols: 28), to: damaged)
    case .truncated:
      damaged = "t10k-images-idx3-ubyte"
      try directory.write(Array(IDXBytes.images(count: 10, rows: 28, cols: 28).dropLast(100)), to: damaged)
    case .notGzip:
      // Raw IDX bytes under a .gz name (and no raw file beside it).
      damaged = "t10k-labels-idx1-ubyte.gz"
      try FileManager.default.removeItem(atPath: directory.path + "/t10k-labels-idx1-ubyte")
      try directory.write(IDXBytes.labels((0..<10).map { UInt8($0 % 10) }), to: damaged)
    case .countMismatch:
      damaged = "train-labels-idx1-ubyte"
      try directory.write(IDXBytes.labels((0..<19).map { UInt8($0 % 10) }), to: damaged)
    }
    let out = directory.path + "/run"
    let result = try DigitsProcess.run(["train", "--data-dir", directory.path, "--out", out, "--epochs", "1"])
    #expect(!result.signalled)
    #expect(result.status != 0)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(damaged), "stderr: \(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out), "a failed run left \(out) behind")
  }
}

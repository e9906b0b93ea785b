import DigitsData
import Foundation
import TestSupport
import Testing

/// Thousands of seeded corruptions of real IDX files, raw and gzip: every one is either read
/// or rejected with a one-line DataError naming the file; none may trap.
@Suite struct IDXMutationTests {
  static let labelsGz = try! readFileBytes(path: MNIST.bundledDirectory + "/t10k-labels-idx1-ubyte.gz")
  static let images = IDXBytes.images(
    count: 5, rows: 28, cols: 28, pixels: Array(try! BundledMNIST.loaded.get().test.pixels.prefix(5 * 784)))

  func expectReadOrRejected(_ read: () throws -> Void) {
    do {
      try read()
    } catch let error as DataError {
      #expect(error.description.contains("fuzz.idx") && !error.description.contains("\n"), "\(error)")
    } catch {
      Issue.record("unexpected error type: \(error)")
    }
  }

  @Test func corruptedGzipLabelsNeverCrash() {
    var mutator = Mutator(seed: 1)
    for mutant in mutator.mutants(of: Self.labelsGz, count: 1000) {
      expectReadOrRejected {
        _ = try IDXLabels.parse(gunzipIfNeeded(mutant, path: "fuzz.idx.gz"), path: "fuzz.idx")
      }
    }
  }

  @Test func corruptedRawImagesNeverCrash() {
    var mutator = Mutator(seed: 2)
    for mutant in mutator.mutants(of: Self.images, count: 3000) {
      expectReadOrRejected {
        _ = try IDXImages.parse(gunzipIfNeeded(mutant, path: "fuzz.idx"), path: "fuzz.idx")
      }
    }
  }
}

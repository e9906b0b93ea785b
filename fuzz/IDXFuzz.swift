// libFuzzer target for the IDX reader (Sources/DigitsData): the bytes of a data file, raw or gzip, go
// through what `digits` does with them. Built and run by scripts/fuzz.sh. A thrown DataError is
// the expected outcome for bad input; a trap or a sanitizer report is a bug.
import DigitsData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  // A name ending in .gz only makes a missing gzip magic an error: no need to inflate twice.
  if !input.starts(with: [0x1f, 0x8b]) {
    describingErrors { _ = try gunzipIfNeeded(input, path: "fuzz-idx3-ubyte.gz") }
  }
  let path = "fuzz-idx3-ubyte"
  describingErrors {
    let bytes = try gunzipIfNeeded(input, path: path)
    describingErrors { try verifyMD5(bytes, expected: MNISTFile.testImages.mnistMD5, path: path) }
    describingErrors {
      let images = try IDXImages.parse(bytes, path: path)
      // Paired with as many labels, as MNIST.load pairs them (LabeledImages has preconditions).
      let labels = try IDXLabels.parse(idx(magic: 0x801, [images.count]), path: "partner-idx1-ubyte")
      _ = try LabeledImages(images: images, labels: labels)
    }
    describingErrors { _ = try IDXImages.parse(bytes, path: path, expectedRows: 28, expectedCols: 28) }
    describingErrors {
      let labels = try IDXLabels.parse(bytes, path: path)
      let images = try IDXImages.parse(idx(magic: 0x803, [labels.count, 1, 1]), path: "partner-idx3-ubyte")
      _ = try LabeledImages(images: images, labels: labels)
    }
  }
  return 0
}

/// Runs `body` and renders a thrown error's one-line message, as the command line prints it.
private func describingErrors(_ body: () throws -> Void) {
  do { try body() } catch { _ = "\(error)" }
}

/// A valid IDX file with these dimensions, every element 0.
private func idx(magic: UInt32, _ dimensions: [Int]) -> [UInt8] {
  let header = ([Int(magic)] + dimensions).flatMap { value in
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
  }
  return header + [UInt8](repeating: 0, count: dimensions.reduce(1, *))
}

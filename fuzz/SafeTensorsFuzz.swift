// libFuzzer target for the safetensors reader (Sources/DigitsNN): the bytes of a checkpoint go through
// header validation and then every typed read `digits evaluate` and the tests make. Built and run
// by scripts/fuzz.sh. A thrown SafeTensorsError is the expected outcome for bad input; a trap or
// a sanitizer report is a bug.
import DigitsNN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  describingErrors {
    let file = try SafeTensorsFile(bytes: bytes, path: "fuzz.safetensors")
    _ = file.metadata.count
    for name in file.names {
      guard let info = file.info(name) else { fatalError("\(name) is listed but has no info") }
      describingErrors { _ = try file.floats(name) }
      describingErrors { _ = try file.floats(name, shape: info.shape) }
      describingErrors { _ = try file.floats(name, shape: [1]) }
      describingErrors { _ = try file.int64s(name) }
      describingErrors { _ = try file.int64s(name, shape: info.shape) }
    }
    describingErrors { _ = try file.floats("absent") }
    describingErrors { try file.requireExactly(file.names) }
    describingErrors { try file.requireExactly(file.names.dropFirst()) }
    describingErrors { try file.requireExactly(["conv1.weight"]) }
  }
  return 0
}

/// Runs `body` and renders a thrown error's one-line message, as the command line prints it.
private func describingErrors(_ body: () throws -> Void) {
  do { try body() } catch { _ = "\(error)" }
}

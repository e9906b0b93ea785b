import CDigitsZlib
import DigitsExport
import DigitsNN
import TestSupport
import Testing

/// digits against ONNX Runtime without Python at test time: scripts/make_onnx_fixtures.py ran
/// the `digits export` of each seeded model in ONNX Runtime and stored its logits with the size
/// and CRC-32 of the file it ran (Tests/Fixtures/onnx_tiny.safetensors). Here the same model is exported
/// again, must give the very bytes ONNX Runtime saw, and digits' own eval-mode logits, on the
/// normalisation the checkpoint gives, must match ONNX Runtime's.
@Suite struct ONNXRuntimeParityTests {
  @Test(arguments: SeededClassifier.allCases)
  func digitsLogitsMatchONNXRuntime(variant: SeededClassifier) throws {
    let fixture = try Fixture.load("onnx_tiny")
    let classifier = variant.make()
    let bytes = try ONNXExport.serialize(classifier, opset: fixture.integer("opset"))
    let regenerate = "the export changed: regenerate with scripts/make_onnx_fixtures.py"
    #expect(bytes.count == fixture.integer("bytes.\(variant)"), "\(regenerate)")
    // zlib's CRC-32, as Python's zlib.crc32 computes it: a change of any byte shows, in
    // milliseconds where a debug-built MD5 of 30 MB takes a second.
    let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
    #expect("\(crc)" == fixture.metadata("crc32.\(variant)"), "\(regenerate)")

    // The fixture's pixels are in [0, 1], as the graph takes them; digits normalises first.
    let images = try fixture.activation("x")
    let normalization = classifier.normalization
    for index in 0..<images.count {
      images.data[index] = (images.data[index] - normalization.mean) / normalization.std
    }
    let expected = try fixture.floats("logits.\(variant)")
    #expect(expected.count == images.batch * 10)
    // Layer by layer (BatchNorm as its own pass) and folded (what evaluate and predict run).
    for (mode, context) in [("eval", ExecutionContext(training: false)), ("inference", .inference())] {
      let logits = classifier.model.forward(images, context: context).array
      let report = ParityReport("onnx \(variant) \(mode)", actual: logits, expected: expected)
      #expect(report.passed, "max|Δ| \(report.maxDifference) > \(report.tolerance)")
    }
  }
}

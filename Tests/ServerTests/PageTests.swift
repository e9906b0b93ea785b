import DigitsImaging
import Foundation
import TestSupport
import Testing

/// The drawing page in headless Chromium: strokes drawn with real mouse events (the page's own
/// pointer handlers) get a prediction on screen that is the API's answer for the drawing; Clear
/// empties it; the upload button classifies a chosen file. A screenshot is kept in
/// test-artifacts/. CI sets DIGITS_REQUIRE_CHROMIUM=1 so a missing browser fails instead of
/// skipping.
@Suite(.serialized, .tags(.slow), .skippedWhenFast) struct PageTests {
  static let required = ProcessInfo.processInfo.environment["DIGITS_REQUIRE_CHROMIUM"] == "1"
  static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("test-artifacts")
  /// With a trained checkpoint here (DIGITS_SERVE_CHECKPOINT), the drawn 7 must be read as 7.
  static let trained = ProcessInfo.processInfo.environment["DIGITS_SERVE_CHECKPOINT"]

  struct Shown: Decodable {
    let digit: String
    let probabilities: [Float]
    let status: String
    let png: String
  }

  static let readShown = """
    JSON.stringify({
      digit: document.getElementById('digit').textContent,
      probabilities: [...document.getElementById('bars').children].map(b => Number(b.dataset.p ?? -1)),
      status: document.getElementById('status').textContent,
      png: document.getElementById('pad').toDataURL('image/png').split(',')[1] })
    """

  static func shown(_ page: Chromium.Page) throws -> Shown {
    try JSONDecoder().decode(
      Shown.self, from: Foundation.Data((try page.evaluate(readShown) as! String).utf8))
  }

  @Test(.enabled(if: Chromium.executable != nil || required, "needs Chromium (apt-get install chromium)"))
  func drawingADigitShowsTheAPIsPrediction() async throws {
    let executable = try #require(
      Chromium.executable, "DIGITS_REQUIRE_CHROMIUM=1 but no chromium on the PATH")
    let server = try ServeProcess(checkpoint: Self.trained ?? ServerFixtures.checkpoint)
    defer { server.stop() }
    let browser = try Chromium(executable: executable)
    defer { browser.quit() }
    let page = try browser.open(server.baseURL)
    try page.wait(
      for: "document.readyState === 'complete' && document.getElementById('bars').children.length === 10")
    try page.wait(for: "document.getElementById('model').textContent.includes('Model:')")

    // A 7: the bar, then the downstroke, in the pad's own coordinates.
    let pad = try page.box(of: "#pad")
    func at(_ u: Double, _ v: Double) -> (x: Double, y: Double) {
      (pad.x + u * pad.width, pad.y + v * pad.height)
    }
    let bar = (0...10).map { at(0.25 + 0.05 * Double($0), 0.2) }
    let downstroke = (0...12).map { at(0.75 - 0.025 * Double($0), 0.2 + 0.055 * Double($0)) }
    try page.drag(through: bar + downstroke)
    // The answer for the finished drawing, not one asked for mid-stroke.
    try page.wait(for: "document.body.dataset.pending === '0'")
    try page.wait(for: "document.getElementById('status').textContent.startsWith('Predicted')")
    try page.wait(for: "!document.getElementById('status').classList.contains('error')")

    let shown = try Self.shown(page)
    let decoded = Foundation.Data(base64Encoded: shown.png)
    let drawing = [UInt8](try #require(decoded, "the pad's PNG is not base64"))
    let ink = try DigitImage(encoded: drawing, name: "pad").mnistPixels().filter { $0 > 0 }.count
    #expect(ink > 40, "the strokes left \(ink) ink pixels on the pad")
    let api = try ServerFixtures.answer(
      try await HTTP.post(server.baseURL.appendingPathComponent("api/predict"), body: drawing).body)
    #expect(shown.digit == "\(api.digit)")
    #expect(
      shown.probabilities == api.probabilities, "bars \(shown.probabilities) vs API \(api.probabilities)")
    if Self.trained != nil { #expect(api.digit == 7, "a drawn 7 was read as \(api.digit)") }

    try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
    let screenshot = Self.artifacts.appendingPathComponent("serve-page.png")
    try page.screenshot().write(to: screenshot)
    print("serve page screenshot: \(screenshot.path); shown digit \(shown.digit)")

    let clear = try page.box(of: "#clear")
    try page.click(at: (clear.x + clear.width / 2, clear.y + clear.height / 2))
    try page.wait(for: "document.getElementById('digit').textContent === ''")

    // The upload button: a file chosen in the dialog is sent and its answer shown.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(ServerFixtures.encodedDigit(3), to: "three.png")
    try page.choose(file: file, in: "#upload")
    try page.wait(for: "document.body.dataset.pending === '0'")
    try page.wait(for: "document.getElementById('status').textContent === 'Predicted three.png.'")
    let uploaded = try Self.shown(page)
    let expected = try ServerFixtures.answer(
      try await HTTP.post(
        server.baseURL.appendingPathComponent("api/predict"), body: ServerFixtures.encodedDigit(3)
      ).body)
    #expect(uploaded.digit == "\(expected.digit)")
    #expect(uploaded.probabilities == expected.probabilities)
  }
}

import Foundation
import TestSupport
import Testing

/// `digits serve` over real HTTP on loopback: the page, the health check, predictions equal to
/// `digits predict`'s, and the JSON errors for bodies that are not images or are too large.
@Suite(.serialized) struct APITests {
  @Test func servesThePageAndHealth() async throws {
    let server = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { server.stop() }
    let health = try await HTTP.get(server.baseURL.appendingPathComponent("healthz"))
    #expect(health.status == 200)
    #expect(health.contentType == "application/json")
    #expect(health.json?["status"] as? String == "ok")
    #expect(health.json?["model"] as? String == "resnet10", "the name in the checkpoint's metadata")

    let page = try await HTTP.get(server.baseURL)
    let html = String(decoding: page.body, as: UTF8.self)
    #expect(page.status == 200)
    #expect(page.contentType?.hasPrefix("text/html") == true)
    for needle in ["<canvas id=\"pad\"", "id=\"clear\"", "id=\"upload\"", "id=\"bars\"", "/api/predict"] {
      #expect(html.contains(needle), "the page lacks \(needle)")
    }
    let missing = try await HTTP.get(server.baseURL.appendingPathComponent("nothing-here"))
    #expect(missing.status == 404)
  }

  /// Same files, same answers: the API and `digits predict --json` share decoding,
  /// preprocessing and model, so with the same batch size (1) and thread count (1) the digits
  /// and probabilities must be identical.
  @Test func predictionsEqualThoseOfDigitsPredict() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var files: [(name: String, bytes: [UInt8])] = []
    for index in 0..<6 {
      files.append(("\(index).png", ServerFixtures.encodedDigit(index)))
      files.append(("\(index).jpg", ServerFixtures.encodedDigit(index, jpeg: true)))
    }
    let paths = try files.map { try folder.write($0.bytes, to: $0.name) }
    let predicted = try DigitsProcess.run(
      ["predict", "--checkpoint", ServerFixtures.checkpoint, "--json", "--batch-size", "1", "--threads", "1"]
        + paths)
    #expect(predicted.status == 0, "\(predicted.stderr)")
    let expected = try predicted.stdout.split(separator: "\n").map {
      try ServerFixtures.answer(Foundation.Data($0.utf8))
    }
    #expect(expected.count == files.count)

    let server = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { server.stop() }
    let endpoint = server.baseURL.appendingPathComponent("api/predict")
    for (file, want) in zip(zip(files, paths), expected) {
      let contentType = file.0.name.hasSuffix(".png") ? "image/png" : "image/jpeg"
      let answer = try await HTTP.post(endpoint, body: file.0.bytes, contentType: contentType, name: file.1)
      #expect(answer.status == 200)
      #expect(answer.contentType == "application/json")
      let got = try ServerFixtures.answer(answer.body)
      #expect(got == want, "\(file.0.name): API \(got) vs predict \(want)")
    }
    let unnamed = try await HTTP.post(endpoint, body: files[0].bytes)
    #expect(try ServerFixtures.answer(unnamed.body).file == "upload")
  }

  @Test func bodiesThatAreNotImagesGet400() async throws {
    let png = ServerFixtures.encodedDigit(0)
    var brokenHeader = png
    brokenHeader[20] ^= 0xFF  // inside IHDR's width: the checksum no longer matches
    let bodies: [(String, [UInt8])] = [
      ("empty", []),
      ("text", Array("hello, this is not an image".utf8)),
      ("truncated PNG", Array(png.prefix(100))),
      ("PNG signature only", Array(png.prefix(8))),
      ("JPEG start only", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
      ("PNG with a damaged header", brokenHeader),
    ]
    let server = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { server.stop() }
    for (what, body) in bodies {
      let answer = try await HTTP.post(server.baseURL.appendingPathComponent("api/predict"), body: body)
      #expect(answer.status == 400, "\(what): \(answer.status)")
      #expect(answer.contentType == "application/json", "\(what)")
      let message = answer.json?["error"] as? String ?? ""
      #expect(!message.isEmpty && !message.contains("\n"), "\(what): error \(message)")
    }
  }

  /// Exactly 1 MiB is read (and refused as no image); one byte more is refused unread.
  @Test func bodiesAboveOneMebibyteGet413() async throws {
    let server = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { server.stop() }
    let endpoint = server.baseURL.appendingPathComponent("api/predict")
    let atLimit = try await HTTP.post(endpoint, body: [UInt8](repeating: 7, count: 1 << 20))
    #expect(atLimit.status == 400)
    for size in [(1 << 20) + 1, 5 << 20] {
      let answer = try await HTTP.post(endpoint, body: [UInt8](repeating: 7, count: size))
      #expect(answer.status == 413, "\(size) bytes: \(answer.status)")
      #expect((answer.json?["error"] as? String)?.contains("larger than") == true)
    }
    let after = try await HTTP.post(endpoint, body: ServerFixtures.encodedDigit(1))
    #expect(after.status == 200, "the server still answers after refusing large bodies")
  }

  /// Each bad start is one line on stderr and a non-zero exit, not a crash.
  @Test func badStartsAreOneLineErrors() throws {
    let running = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { running.stop() }
    let taken = "\(running.baseURL.port!)"
    let cases: [([String], String)] = [
      (["--checkpoint", "/nonexistent/model.safetensors"], "/nonexistent/model.safetensors"),
      (["--checkpoint", ServerFixtures.checkpoint, "--port", "70000"], "--port"),
      (["--checkpoint", ServerFixtures.checkpoint, "--port", taken], "127.0.0.1:\(taken)"),
    ]
    for (arguments, needle) in cases {
      let result = try DigitsProcess.run(["serve"] + arguments)
      #expect(result.status != 0 && !result.signalled, "\(arguments)")
      #expect(
        result.stderrLines.count == 1 && result.stderr.contains(needle), "\(arguments): \(result.stderr)")
    }
  }
}

import Foundation
import TestSupport
import Testing

/// 1,000 requests from 16 concurrent clients, which the server answers in batches: every answer
/// 200, the same digit the same image got alone and probabilities within 1e-5 of those (a batch
/// sums in another order), and the server's resident memory flat once warm.
@Suite(.tags(.slow), .skippedWhenFast) struct LoadTests {
  @Test func thousandRequestsFromSixteenClients() async throws {
    let server = try ServeProcess(checkpoint: ServerFixtures.checkpoint)
    defer { server.stop() }
    let endpoint = server.baseURL.appendingPathComponent("api/predict")
    let images = (0..<10).map { ServerFixtures.encodedDigit($0, jpeg: $0 % 2 == 1) }
    var reference: [ServerFixtures.Answer] = []
    for image in images {
      reference.append(try ServerFixtures.answer(try await HTTP.post(endpoint, body: image).body))
    }
    try await Self.hammer(endpoint, images: images, reference: reference, requests: 200)
    let warm = server.residentKilobytes
    let failures = try await Self.hammer(endpoint, images: images, reference: reference, requests: 1000)
    let after = server.residentKilobytes
    #expect(failures.isEmpty, "\(failures.count) failed, e.g. \(failures.prefix(3))")
    #expect(warm > 0 && after > 0)
    #expect(after - warm < 16 * 1024, "resident memory grew from \(warm) kB to \(after) kB")
    print("serve load: 1000 requests, 16 clients, RSS \(warm) kB -> \(after) kB")
  }

  /// Sends `requests` predictions from 16 concurrent clients; returns what went wrong.
  @discardableResult
  static func hammer(
    _ endpoint: URL, images: [[UInt8]], reference: [ServerFixtures.Answer], requests: Int
  ) async throws -> [String] {
    try await withThrowingTaskGroup(of: [String].self) { group in
      for client in 0..<16 {
        group.addTask {
          var failures: [String] = []
          for request in stride(from: client, to: requests, by: 16) {
            let which = request % images.count
            let answer = try await HTTP.post(endpoint, body: images[which])
            guard answer.status == 200, let got = try? ServerFixtures.answer(answer.body) else {
              failures.append("request \(request): status \(answer.status)")
              continue
            }
            if !got.agrees(with: reference[which]) {
              failures.append("request \(request): \(got) vs \(reference[which])")
            }
          }
          return failures
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
  }
}

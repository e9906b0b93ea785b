import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A real HTTP client (URLSession) on loopback.
enum HTTP {
  struct Answer {
    let status: Int
    let body: Data
    let contentType: String?

    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
  }

  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 16
    configuration.timeoutIntervalForRequest = 60
    return URLSession(configuration: configuration)
  }()

  static func get(_ url: URL) async throws -> Answer {
    try await send(URLRequest(url: url))
  }

  static func post(_ url: URL, body: [UInt8], contentType: String = "image/png", name: String? = nil)
    async throws -> Answer
  {
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.httpBody = Data(body)
    request.setValue(contentType, forHTTPHeaderField: "Content-Type")
    if let name { request.setValue(name, forHTTPHeaderField: "X-File-Name") }
    return try await send(request)
  }

  private static func send(_ request: URLRequest) async throws -> Answer {
    let (data, response) = try await session.data(for: request)
    let http = response as! HTTPURLResponse
    return Answer(
      status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"))
  }
}

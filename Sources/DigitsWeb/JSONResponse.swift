import Foundation
import Hummingbird

/// JSON bodies of the API's answers, including its errors (`{"error":"..."}`).
enum JSONResponse {
  static func ok(_ json: String) -> Response {
    make(.ok, json)
  }

  static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
    let quoted = String(decoding: try! JSONEncoder().encode(message), as: UTF8.self)
    return make(status, "{\"error\":\(quoted)}")
  }

  private static func make(_ status: HTTPResponse.Status, _ json: String) -> Response {
    Response(
      status: status,
      headers: [.contentType: "application/json", .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: json + "\n")))
  }
}

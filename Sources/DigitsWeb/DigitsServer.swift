import DigitsKit
import Foundation
import Hummingbird
import Logging

/// `digits serve`: the drawing page at `/`, `POST /api/predict` (an image body, answered with
/// the JSON `digits predict --json` prints) and `GET /healthz`.
public struct DigitsServer: Sendable {
  /// Request bodies above this many bytes are refused with 413.
  public static let maximumBodyBytes = 1 << 20

  private let service: PredictionService
  private let host: String
  private let port: Int

  /// The most requests one forward pass answers together (give the recognizer this batch size).
  public static var maximumBatch: Int { PredictionService.maximumBatch }

  /// Serves `recognizer`'s predictions, batching the requests that wait for the model.
  public init(recognizer: DigitRecognizer, host: String, port: Int) {
    service = PredictionService(recognizer: recognizer)
    self.host = host
    self.port = port
  }

  /// Serves until the task is cancelled or, with `stopOnSignals` (what `digits serve` asks for;
  /// a program embedding the server decides for itself), until SIGINT or SIGTERM, gracefully.
  /// `onListening` gets the bound port (useful with port 0).
  public func run(stopOnSignals: Bool = false, onListening: @escaping @Sendable (Int) async -> Void)
    async throws
  {
    var logger = Logger(label: "digits.serve")
    logger.logLevel = .warning
    let bound = port
    let app = Application(
      router: router(),
      configuration: .init(address: .hostname(host, port: port), serverName: "digits"),
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? bound) },
      logger: logger)
    try await app.runService(gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [])
  }

  func router() -> Router<BasicRequestContext> {
    let router = Router()
    let service = self.service
    router.get("/") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: DrawingPage.html)))
    }
    router.get("/healthz") { _, _ in
      JSONResponse.ok("{\"status\":\"ok\",\"model\":\"\(service.modelName)\"}")
    }
    router.post("/api/predict") { request, _ in
      await Self.predict(request, service: service)
    }
    return router
  }

  /// 200 with the prediction, 413 above the size limit, 400 for anything not a decodable image.
  static func predict(_ request: Request, service: PredictionService) async -> Response {
    let tooLarge = "the body is larger than the limit of \(maximumBodyBytes >> 20) MiB"
    if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
      return JSONResponse.error(.contentTooLarge, tooLarge)
    }
    let body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: maximumBodyBytes)
    } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
      return JSONResponse.error(.contentTooLarge, tooLarge)
    } catch {
      return JSONResponse.error(.badRequest, "could not read the request body: \(error)")
    }
    if body.readableBytes == 0 {
      return JSONResponse.error(.badRequest, "the request has no body: send a PNG or JPEG image")
    }
    // The page sends the file name percent-encoded (header values are ASCII).
    let header = request.headers[.init("X-File-Name")!]
    let name = header.flatMap { $0.removingPercentEncoding } ?? header ?? "upload"
    do {
      let prediction = try await service.predict(encoded: Array(body.readableBytesView), name: name)
      return JSONResponse.ok(prediction.json)
    } catch {
      return JSONResponse.error(.badRequest, "\(error)")
    }
  }
}

import ArgumentParser
import DigitsKit
import DigitsWeb
import Foundation

struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve a page to draw digits on, with live predictions, and a JSON API.",
    discussion: """
      Open http://HOST:PORT/ in a browser and draw a digit with the mouse, a pen or a finger, \
      or upload a photo of one. The API: `POST /api/predict` with a PNG, JPEG or PGM image as \
      the request body (at most 1 MiB; an X-File-Name header names it in the answer) answers \
      {"file","digit","probabilities"} as `digits predict --json` does; 400 with \
      {"error": "..."} for a body that is not a decodable image, 413 for one above the limit. \
      `GET /healthz` answers {"status":"ok","model":...}. Ctrl-C stops the server.

      Example: curl --data-binary @three.png http://127.0.0.1:8080/api/predict
      """)

  @Option(help: "A .safetensors checkpoint (from `digits train` or a PyTorch state_dict).")
  var checkpoint: String
  @Option(help: "TCP port to listen on (0 picks a free one).") var port = 8080
  @Option(help: "Address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
  @OptionGroup var threads: ThreadOptions

  func validate() throws {
    if !(0...65535).contains(port) { throw InputProblem("--port must be between 0 and 65535, got \(port)") }
  }

  func run() async throws {
    let recognizer = try DigitRecognizer(
      checkpoint: checkpoint, threads: threads.count, batchSize: DigitsServer.maximumBatch)
    let model = recognizer.classifier.name
    let server = DigitsServer(recognizer: recognizer, host: host, port: port)
    let host = self.host
    do {
      try await server.run(stopOnSignals: true) { port in
        print("Serving \(model) at http://\(host):\(port)/ (Ctrl-C stops)")
        fflush(stdout)
      }
    } catch {
      // In practice a failure to bind: the port is taken, or the address is not this machine's.
      throw InputProblem("cannot serve at \(host):\(port): \(error)")
    }
  }
}

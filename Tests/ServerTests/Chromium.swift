import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages separated by NUL bytes, commands on the child's fd 3, answers on its fd 4), so
/// the test needs no WebDriver, no WebSocket client and no Python.
final class Chromium {
  /// `$CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on the PATH.
  static let executable: String? = {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["CHROMIUM"], !path.isEmpty { return path }
    let folders = (environment["PATH"] ?? "/usr/bin").split(separator: ":")
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
        return "\(folder)/\(name)"
      }
    }
    return nil
  }()

  private var pid: pid_t = 0
  private let commands: Int32
  private let answers: Int32
  private var pending: [UInt8] = []
  private var lastID = 0

  init(executable: String, windowWidth: Int = 900, windowHeight: Int = 700) throws {
    var toBrowser: [Int32] = [0, 0]
    var fromBrowser: [Int32] = [0, 0]
    guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure("pipe failed: errno \(errno)") }
    // Only the dup2'ed copies (fds 3 and 4) may reach the browser: an inherited write end of
    // its answer pipe would keep the pipe open after the browser has gone.
    for fd in toBrowser + fromBrowser { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    commands = toBrowser[1]
    answers = fromBrowser[0]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
    posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("digits-chromium-\(UUID())")
      .path
    let arguments = [
      executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--no-first-run", "--remote-debugging-pipe", "--user-data-dir=\(profile)",
      "--window-size=\(windowWidth),\(windowHeight)", "about:blank",
    ]
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    close(toBrowser[0])
    close(fromBrowser[1])
    guard status == 0 else { throw Failure("cannot start \(executable): errno \(status)") }
  }

  deinit { quit() }

  /// Sends one command and waits for its answer (events in between are dropped).
  @discardableResult
  func call(
    _ method: String, _ parameters: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = 30
  )
    throws -> [String: Any]
  {
    lastID += 1
    var message: [String: Any] = ["id": lastID, "method": method, "params": parameters]
    if let session { message["sessionId"] = session }
    var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
    bytes.append(0)
    let written = bytes.withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw Failure("\(method): the browser's pipe is closed") }
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      while let end = pending.firstIndex(of: 0) {
        let object = try JSONSerialization.jsonObject(with: Data(pending[..<end])) as? [String: Any] ?? [:]
        pending.removeSubrange(...end)
        guard object["id"] as? Int == lastID else { continue }
        if let error = object["error"] { throw Failure("\(method) failed: \(error)") }
        return object["result"] as? [String: Any] ?? [:]
      }
      try readMore(until: deadline, waitingFor: method)
    }
  }

  private func readMore(until deadline: Date, waitingFor method: String) throws {
    let left = deadline.timeIntervalSinceNow
    guard left > 0 else { throw Failure("\(method): no answer from the browser in time") }
    var poller = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
    guard poll(&poller, 1, Int32(left * 1000)) > 0 else { return }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
    guard count > 0 else { throw Failure("\(method): the browser closed its pipe") }
    pending.append(contentsOf: chunk[..<count])
  }

  /// Opens `url` in a new tab and attaches to it.
  func open(_ url: URL) throws -> Page {
    let target = try call("Target.createTarget", ["url": url.absoluteString])
    let attached = try call(
      "Target.attachToTarget", ["targetId": target["targetId"] as! String, "flatten": true])
    return Page(browser: self, session: attached["sessionId"] as! String)
  }

  func quit() {
    guard pid != 0 else { return }
    _ = try? call("Browser.close", timeout: 5)
    var status: Int32 = 0
    for _ in 0..<50 where waitpid(pid, &status, WNOHANG) == 0 { usleep(100_000) }
    if waitpid(pid, &status, WNOHANG) == 0 {
      kill(pid, SIGKILL)
      waitpid(pid, &status, 0)
    }
    pid = 0
    close(commands)
    close(answers)
  }

  /// One tab, attached with a flat session.
  struct Page {
    let browser: Chromium
    let session: String

    /// The value of a JavaScript expression (awaited when it is a promise), as JSON gives it.
    func evaluate(_ expression: String) throws -> Any? {
      let answer = try browser.call(
        "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
        session: session)
      if let exception = answer["exceptionDetails"] { throw Failure("\(expression): \(exception)") }
      return (answer["result"] as? [String: Any])?["value"]
    }

    /// Polls `condition` (a JavaScript expression) until it is true; one that throws (the page
    /// is still loading) counts as false.
    func wait(for condition: String, timeout: TimeInterval = 30) throws {
      let deadline = Date().addingTimeInterval(timeout)
      let guarded = "(() => { try { return Boolean(\(condition)) } catch (error) { return false } })()"
      while try evaluate(guarded) as? Bool != true {
        guard Date() < deadline else { throw Failure("timed out waiting for \(condition)") }
        usleep(50_000)
      }
    }

    /// A mouse event as the browser's input pipeline delivers it (pointer events included).
    func mouse(_ type: String, x: Double, y: Double, pressed: Bool) throws {
      var parameters: [String: Any] = ["type": type, "x": x, "y": y, "buttons": pressed ? 1 : 0]
      if type != "mouseMoved" {
        parameters["button"] = "left"
        parameters["clickCount"] = 1
      }
      try browser.call("Input.dispatchMouseEvent", parameters, session: session)
    }

    /// Presses at the first point, moves through the others and releases at the last.
    func drag(through points: [(x: Double, y: Double)]) throws {
      try mouse("mousePressed", x: points[0].x, y: points[0].y, pressed: true)
      for point in points.dropFirst() {
        try mouse("mouseMoved", x: point.x, y: point.y, pressed: true)
        usleep(15_000)
      }
      try mouse("mouseReleased", x: points.last!.x, y: points.last!.y, pressed: false)
    }

    func click(at point: (x: Double, y: Double)) throws { try drag(through: [point]) }

    /// The page's box of an element: x, y, width, height in CSS pixels.
    func box(of selector: String) throws -> (x: Double, y: Double, width: Double, height: Double) {
      let json =
        try evaluate(
          "JSON.stringify(document.querySelector('\(selector)').getBoundingClientRect())") as! String
      let box = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Double]
      return (box["x"]!, box["y"]!, box["width"]!, box["height"]!)
    }

    /// Chooses `file` in a file input, as a user does in the file dialog.
    func choose(file: String, in selector: String) throws {
      let answer = try browser.call(
        "Runtime.evaluate", ["expression": "document.querySelector('\(selector)')"], session: session)
      let objectID = (answer["result"] as? [String: Any])?["objectId"] as! String
      try browser.call("DOM.setFileInputFiles", ["files": [file], "objectId": objectID], session: session)
    }

    func screenshot() throws -> Data {
      let answer = try browser.call("Page.captureScreenshot", ["format": "png"], session: session)
      return Data(base64Encoded: answer["data"] as! String)!
    }
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}

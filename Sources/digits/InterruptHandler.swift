import DigitsKit
import Foundation

/// The token Ctrl-C cancels: training runs started by this process watch it.
let interruption = CancellationToken()

/// Ctrl-C once: finish the current step, keep the last complete epoch, exit cleanly.
/// Ctrl-C twice: exit at once (the files on disk are whole either way: all writes are atomic).
enum InterruptHandler {
  static func install() {
    signal(SIGINT) { _ in
      if interruption.isCancelled { _exit(130) }
      interruption.cancel()
      let message = "\ninterrupt: finishing the current step (Ctrl-C again to quit now)\n"
      message.withCString { _ = write(STDERR_FILENO, $0, strlen($0)) }
    }
  }
}

import Foundation
import TestSupport
import Testing

/// scripts/two_hosts.sh: one rank in each of two network namespaces joined by a veth pair,
/// Open MPI over TCP only, so every gradient all-reduce crosses the link as between machines.
/// Needs root, iproute2 and a kernel that lets it make namespaces (CI has all three); elsewhere
/// it is skipped.
@Suite(.tags(.slow), .skippedWhenFast) struct TwoHostsTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  /// Root with iproute2 where the kernel lets it make a namespace (a container may not).
  static let canMakeNamespaces: Bool = {
    guard getuid() == 0,
      let tool = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      })
    else { return false }
    func ip(_ arguments: [String]) -> Bool {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: tool)
      process.arguments = arguments
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { return false }
      process.waitUntilExit()
      return process.terminationStatus == 0
    }
    let probe = "digits-probe-\(getpid())"
    defer { _ = ip(["netns", "del", probe]) }
    return ip(["netns", "add", probe])
  }()

  @Test(.enabled(if: canMakeNamespaces, "needs root, iproute2 and permission to make network namespaces"))
  func trainsAcrossTwoNamespacesOverTCP() throws {
    let data = try SmallMNIST.write(train: 400, test: 100)
    let out = try TemporaryFolder()
    defer {
      out.remove()
      try? FileManager.default.removeItem(atPath: data)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    // 280 training images: 5 steps, each all-reducing ResNet18's 45 MB of gradients.
    process.arguments = [
      Self.repository + "/scripts/two_hosts.sh", DigitsProcess.executable, "--data-dir", data,
      "--val-ratio", "0.3", "--out", out.path + "/run",
    ]
    process.environment = ProcessInfo.processInfo.environment.merging(["MIN_TRAFFIC_MB": "150"]) { $1 }
    process.currentDirectoryURL = URL(fileURLWithPath: Self.repository)
    let log = out.path + "/log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let said = try String(contentsOfFile: log, encoding: .utf8)
    #expect(process.terminationStatus == 0, "\(said)")
    #expect(said.contains("veth traffic: A sent"), "\(said)")
    #expect(said.contains("rank 0:") && said.contains("rank 1:"), "\(said)")
    #expect(FileManager.default.fileExists(atPath: out.path + "/run/metrics.json"))
  }
}

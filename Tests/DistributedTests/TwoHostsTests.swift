import Foundation
import TestSupport
import Testing

/// scripts/two_hosts.sh: one rank in each of two network namespaces joined by a veth pair,
/// Open MPI over TCP only, so every gradient all-reduce crosses the link as between machines.
/// Needs root and iproute2 (CI has both); elsewhere it is skipped.
@Suite(.tags(.slow), .skippedWhenFast) struct TwoHostsTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let canMakeNamespaces =
    getuid() == 0
    && ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].contains {
      FileManager.default.isExecutableFile(atPath: $0)
    }

  @Test(.enabled(if: canMakeNamespaces, "needs root and iproute2 to make network namespaces"))
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
    FileManager.default.createFile(atPath: log, contents: nil)
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

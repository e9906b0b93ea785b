import Foundation

/// The numeric targets are compiled for AVX2 and FMA (Package.swift). On a CPU without them
/// the first kernel would die on an illegal instruction; say so in one line instead. This file
/// is in the `digits` target, which is compiled for the baseline x86-64.
enum VectorUnits {
  static func exitUnlessSupported() {
    #if arch(x86_64) && os(Linux)
      guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return }
      let flags = Set(flagsLine.split(separator: " ").map(String.init))
      let missing = ["avx2", "fma"].filter { !flags.contains($0) }
      guard !missing.isEmpty else { return }
      FileHandle.standardError.write(
        Data(
          "Error: this CPU lacks \(missing.joined(separator: " and ")), which digits is compiled for (x86-64 with AVX2 and FMA)\n"
            .utf8))
      exit(1)
    #endif
  }
}

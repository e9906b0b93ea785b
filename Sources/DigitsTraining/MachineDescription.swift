import Foundation

/// The CPU a run or a benchmark ran on, as `lscpu` names it: speed figures mean little without
/// it, since the same binary runs several times faster on one machine than another.
public struct MachineDescription: Codable, Equatable, Sendable {
  /// /proc/cpuinfo's "model name", e.g. "AMD EPYC 7B13" or "Intel(R) Xeon(R) Processor @ 2.80GHz".
  public var cpu: String
  public var family: Int?
  public var model: Int?
  /// The vector extensions the kernels can use, of those the CPU reports: avx2, fma, avx512f,
  /// avx512_bf16, amx_tile.
  public var vectorExtensions: [String]
  /// Logical CPUs this process may run on (lscpu's "CPU(s)").
  public var cpus: Int

  static let reportedExtensions = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"]

  /// Reads the first processor's entry of a /proc/cpuinfo text; nil without a model name.
  public init?(cpuinfo: String, cpus: Int) {
    var fields: [String: String] = [:]
    for line in cpuinfo.split(separator: "\n") {
      if line.trimmingCharacters(in: .whitespaces).isEmpty, !fields.isEmpty { break }
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      if fields[key] == nil {
        fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    guard let cpu = fields["model name"], !cpu.isEmpty else { return nil }
    self.cpu = cpu
    family = fields["cpu family"].flatMap { Int($0) }
    model = fields["model"].flatMap { Int($0) }
    let flags = Set((fields["flags"] ?? "").split(separator: " ").map(String.init))
    vectorExtensions = Self.reportedExtensions.filter(flags.contains)
    self.cpus = cpus
  }

  /// This machine, or nil where /proc/cpuinfo does not name the CPU (not Linux, or not x86).
  public static func current() -> MachineDescription? {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
    return MachineDescription(cpuinfo: text, cpus: ProcessInfo.processInfo.activeProcessorCount)
  }

  /// "Intel(R) Xeon(R) Processor @ 2.80GHz, family 6 model 106, avx2 fma avx512f, 2 CPUs".
  public var summary: String {
    var parts = [cpu]
    if let family, let model { parts.append("family \(family) model \(model)") }
    if !vectorExtensions.isEmpty { parts.append(vectorExtensions.joined(separator: " ")) }
    parts.append(cpus == 1 ? "1 CPU" : "\(cpus) CPUs")
    return parts.joined(separator: ", ")
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How many cores this process can keep busy. Counting only the cores online would, in a
/// container with a quota of one CPU on a 64-core host, start 63 helper threads that spin for a
/// core they never get.
enum CPU {
  /// The cores online, narrowed by the affinity mask and the cgroup quota; at least 1.
  static let usableCores: Int = {
    let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let allowed = status.flatMap(allowedCPUs(status:))
    return max(1, [online, allowed ?? online, cgroupQuotaCores() ?? online].min()!)
  }()

  /// The CPUs in the `Cpus_allowed_list:` line of /proc/self/status (e.g. "0-3,8,10-11").
  static func allowedCPUs(status: String) -> Int? {
    guard
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
      let list = line.split(separator: ":", maxSplits: 1).last
    else { return nil }
    return countCPUs(list: list.trimmingCharacters(in: .whitespaces))
  }

  /// The CPUs a kernel CPU list names ("0-3,8" is 5); nil where it is not one.
  static func countCPUs(list: String) -> Int? {
    var count = 0
    for item in list.split(separator: ",") {
      let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
      guard (1...2).contains(bounds.count), let first = bounds.first!, let last = bounds.last!, first <= last
      else { return nil }
      count += last - first + 1
    }
    return count > 0 ? count : nil
  }

  /// Whole cores the quota allows, rounded up (1.5 CPUs keep 2 threads busy part of the time);
  /// nil where there is no quota.
  static func quotaCores(quota: Int, period: Int) -> Int? {
    guard quota > 0, period > 0 else { return nil }
    return (quota + period - 1) / period
  }

  /// cgroup v2's `cpu.max` ("max 100000" or "150000 100000"), else v1's `cpu.cfs_quota_us` over
  /// `cpu.cfs_period_us` (-1 when unlimited), as a container sees its own cgroup at the root.
  private static func cgroupQuotaCores() -> Int? {
    func read(_ path: String) -> [Int?]? {
      (try? String(contentsOfFile: path, encoding: .utf8)).map {
        $0.split(whereSeparator: \.isWhitespace).map { Int($0) }
      }
    }
    if let fields = read("/sys/fs/cgroup/cpu.max"), fields.count == 2, let period = fields[1] {
      return fields[0].flatMap { quotaCores(quota: $0, period: period) }
    }
    guard let quota = read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")?.first ?? nil,
      let period = read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")?.first ?? nil
    else { return nil }
    return quotaCores(quota: quota, period: period)
  }
}

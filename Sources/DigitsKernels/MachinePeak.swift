import Dispatch

/// The machine's own limits on the workers in use, for a roofline: the single-precision GEMM rate
/// OpenBLAS reaches on a large square product, and the memory bandwidth of a parallel copy over
/// buffers several times larger than any cache.
public struct MachinePeak: Codable, Equatable, Sendable {
  /// GFLOP/s of a 2048x2048x2048 sgemm (2 FLOPs per multiply-add), the best of several runs.
  public var sgemmGflops: Double
  /// GB/s of a parallel copy of 64 MiB (bytes read plus bytes written), the best of several runs.
  public var bandwidthGBPerS: Double

  public init(sgemmGflops: Double, bandwidthGBPerS: Double) {
    self.sgemmGflops = sgemmGflops
    self.bandwidthGBPerS = bandwidthGBPerS
  }

  /// FLOPs per byte at which the two limits meet: below it a kernel is bound by memory.
  public var balance: Double { sgemmGflops / bandwidthGBPerS }

  /// The best rate, in GFLOP/s, a kernel of `intensity` FLOPs per byte can reach here.
  public func attainableGflops(intensity: Double) -> Double {
    min(sgemmGflops, intensity * bandwidthGBPerS)
  }

  /// Measures both limits on `Workers.count` workers (about half a second on 2 cores).
  public static func probe(repeats: Int = 4) throws(KernelError) -> MachinePeak {
    try OpenBLAS.require()
    return MachinePeak(
      sgemmGflops: probeSgemm(side: 2048, repeats: repeats), bandwidthGBPerS: probeCopy(repeats: 3 * repeats))
  }

  /// GFLOP/s of the fastest of `repeats` square products after one warm-up.
  static func probeSgemm(side n: Int, repeats: Int) -> Double {
    let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
    defer { [a, b, c].forEach { $0.deallocate() } }
    a.initialize(repeating: 0.5, count: n * n)
    b.initialize(repeating: 0.25, count: n * n)
    c.initialize(repeating: 0, count: n * n)
    let seconds = fastest(of: repeats) {
      gemm(
        transposeA: false, transposeB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0, c: c,
        ldc: n)
    }
    return 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9
  }

  /// GB/s of the fastest of `repeats` parallel copies of 64 MiB after one that faults the pages in.
  static func probeCopy(repeats: Int) -> Double {
    let count = 16 << 20
    let source = UnsafeMutablePointer<Float>.allocate(capacity: count)
    let target = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { [source, target].forEach { $0.deallocate() } }
    source.initialize(repeating: 1, count: count)
    target.initialize(repeating: 0, count: count)
    let seconds = fastest(of: repeats) {
      parallelChunks(count, grain: 1 << 16) { range in
        (target + range.lowerBound).update(from: source + range.lowerBound, count: range.count)
      }
    }
    return 2 * Double(count * MemoryLayout<Float>.stride) / seconds / 1e9
  }

  /// The shortest of `repeats` timed runs of `body`, after one untimed run.
  private static func fastest(of repeats: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<max(1, repeats) {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Every derived draw below is
/// written out here, so a seed gives the same numbers on every platform and Swift version.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
  private var s0, s1, s2, s3: UInt64

  public init(seed: UInt64) {
    var mixer = SplitMix64(state: seed)
    (s0, s1, s2, s3) = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
  }

  /// The full generator state, four words; saved with a checkpoint and restored on resume.
  /// Setting anything but four words, not all zero, is a programming error and traps.
  public var state: [UInt64] {
    get { [s0, s1, s2, s3] }
    set {
      precondition(newValue.count == 4, "SeededGenerator state has 4 words, got \(newValue.count)")
      precondition(newValue.contains { $0 != 0 }, "SeededGenerator state must not be all zero")
      (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
    }
  }

  public init(state: [UInt64]) {
    (s0, s1, s2, s3) = (0, 0, 0, 1)
    self.state = state
  }

  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, by: 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, by: 45)
    return result
  }

  /// Uniform in [0, 1): the top 24 bits, so every value is an exact Float.
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Uniform in [0, 1) with 53 bits.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// Standard normal by Box–Muller. The second value of each pair is dropped so that the state
  /// stays the four words above (nothing cached to save for resume).
  public mutating func nextGaussian() -> Float {
    let u1 = 1 - nextDouble()  // in (0, 1], so the log is finite
    let u2 = nextDouble()
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }

  /// Unbiased integer in 0..<bound by Lemire's multiply-shift with rejection.
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold { product = next().multipliedFullWidth(by: range) }
    }
    return Int(product.high)
  }

  /// Fisher–Yates, from the back; the same permutation for the same state everywhere (unlike
  /// the standard library's `shuffle(using:)`, whose algorithm is unspecified).
  public mutating func shuffle(_ buffer: UnsafeMutableBufferPointer<Int>) {
    guard buffer.count > 1 else { return }
    for i in stride(from: buffer.count - 1, to: 0, by: -1) {
      buffer.swapAt(i, nextInt(below: i + 1))
    }
  }

  public mutating func shuffle(_ array: inout [Int]) {
    array.withUnsafeMutableBufferPointer { shuffle($0) }
  }
}

/// Expands one 64-bit seed into well-mixed words (the seeding xoshiro's authors recommend).
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
  value << amount | value >> (64 - amount)
}

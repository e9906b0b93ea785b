/// Seeded random corruptions of a valid file, for the mutation tests of every reader: each
/// mutant must be either accepted or rejected with the reader's error, never crash the process.
public struct Mutator {
  private var random: TestRandom

  public init(seed: UInt64) { random = TestRandom(seed: seed) }

  /// Values that tend to break length and count fields.
  static let interestingWords: [UInt32] = [
    0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
  ]

  /// One mutant of `bytes`: a bit flip, an overwritten byte or 4-byte word, a truncation,
  /// an insertion, or a duplicated slice.
  public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    var data = bytes
    guard !data.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
    let position = Int.random(in: 0..<data.count, using: &random)
    switch Int.random(in: 0..<6, using: &random) {
    case 0:
      data[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
    case 1:
      data[position] = [0, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &random)].randomElement(
        using: &random)!
    case 2:
      let word = Self.interestingWords.randomElement(using: &random)!
      for offset in 0..<4 where position + offset < data.count {
        data[position + offset] = UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32(offset)))
      }
    case 3:
      data.removeSubrange(position...)
    case 4:
      data.insert(
        contentsOf: (0..<Int.random(in: 1...16, using: &random)).map { _ in
          UInt8.random(in: 0...255, using: &random)
        }, at: position)
    default:
      let end = min(data.count, position + Int.random(in: 1...64, using: &random))
      data.insert(contentsOf: data[position..<end], at: position)
    }
    return data
  }

  /// `count` mutants, each with 1 to 3 mutations stacked.
  public mutating func mutants(of bytes: [UInt8], count: Int) -> [[UInt8]] {
    (0..<count).map { _ in
      var mutant = bytes
      for _ in 0..<Int.random(in: 1...3, using: &random) { mutant = mutate(mutant) }
      return mutant
    }
  }
}

/// MD5 (RFC 1321) as lowercase hex. Only used to recognise known files, never for security.
public func md5Hex(_ bytes: [UInt8]) -> String {
  var state = MD5State()
  let fullBlocks = bytes.count / 64
  // Padding: 0x80, zeros up to 56 mod 64, then the bit length little-endian.
  var tail = Array(bytes[(fullBlocks * 64)...])
  tail.append(0x80)
  while tail.count % 64 != 56 { tail.append(0) }
  let bitLength = UInt64(truncatingIfNeeded: bytes.count) &* 8
  for shift in stride(from: 0, to: 64, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }
  // The tables are pinned once: globals behind lazy initialisers are slow in debug builds.
  md5Shifts.withUnsafeBufferPointer { shifts in
    md5Constants.withUnsafeBufferPointer { constants in
      let tables = MD5Tables(shifts: shifts.baseAddress!, constants: constants.baseAddress!)
      for message in [bytes, tail] {
        message.withUnsafeBytes { buffer in
          for block in 0..<(buffer.count / 64) { state.compress(buffer.baseAddress! + block * 64, tables) }
        }
      }
    }
  }
  return state.hexDigest
}

private struct MD5Tables {
  let shifts: UnsafePointer<UInt32>
  let constants: UnsafePointer<UInt32>
}

private struct MD5State {
  var a: UInt32 = 0x6745_2301
  var b: UInt32 = 0xefcd_ab89
  var c: UInt32 = 0x98ba_dcfe
  var d: UInt32 = 0x1032_5476

  mutating func compress(_ block: UnsafeRawPointer, _ tables: MD5Tables) {
    var (a, b, c, d) = (self.a, self.b, self.c, self.d)
    for i in 0..<64 {
      let (f, g): (UInt32, Int)
      switch i >> 4 {
      case 0: (f, g) = ((b & c) | (~b & d), i)
      case 1: (f, g) = ((d & b) | (~d & c), (5 &* i &+ 1) & 15)
      case 2: (f, g) = (b ^ c ^ d, (3 &* i &+ 5) & 15)
      default: (f, g) = (c ^ (b | ~d), (7 &* i) & 15)
      }
      let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * g, as: UInt32.self))
      let sum = a &+ f &+ tables.constants[i] &+ word
      let shift = tables.shifts[i]
      (a, d, c) = (d, c, b)
      b = b &+ (sum << shift | sum >> (32 - shift))
    }
    self.a &+= a
    self.b &+= b
    self.c &+= c
    self.d &+= d
  }

  var hexDigest: String {
    var text = ""
    for word in [a, b, c, d] {
      for shift in stride(from: 0, to: 32, by: 8) {
        let byte = UInt8(truncatingIfNeeded: word >> UInt32(shift))
        text += (byte < 16 ? "0" : "") + String(byte, radix: 16)
      }
    }
    return text
  }
}

private let md5Shifts: [UInt32] = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]

/// floor(abs(sin(i + 1)) * 2^32), from RFC 1321.
private let md5Constants: [UInt32] = [
  0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
  0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
  0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
  0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
  0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
  0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
  0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
  0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
]

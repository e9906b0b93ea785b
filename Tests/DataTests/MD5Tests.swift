import DigitsData
import Testing

@Suite struct MD5Tests {
  @Test(arguments: [
    ("", "d41d8cd98f00b204e9800998ecf8427e"),
    ("a", "0cc175b9c0f1b6a831c399e269772661"),
    ("abc", "900150983cd24fb0d6963f7d28e17f72"),
    ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
    (
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a"
    ),
  ])
  func rfc1321Vectors(message: String, digest: String) {
    #expect(md5Hex(Array(message.utf8)) == digest)
  }

  /// Lengths around the 56- and 64-byte padding boundaries.
  @Test func paddingBoundaries() {
    #expect(md5Hex([UInt8](repeating: 0x61, count: 55)) == "ef1772b6dff9a122358552954ad0df65")
    #expect(md5Hex([UInt8](repeating: 0x61, count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
    #expect(md5Hex([UInt8](repeating: 0x61, count: 64)) == "014842d480b571495a4a0363793f7367")
  }

  @Test func mismatchNamesTheFile() {
    expectDataError(naming: "labels.bin", where: { if case .checksumMismatch = $0 { true } else { false } }) {
      try verifyMD5([1, 2, 3], expected: MNISTFile.testLabels.mnistMD5, path: "dir/labels.bin")
    }
  }
}

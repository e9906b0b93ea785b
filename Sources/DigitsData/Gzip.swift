import CDigitsZlib

/// Returns `bytes` decompressed when they start with the gzip magic (1f 8b), else unchanged.
/// A `.gz` name without the magic, a corrupt or a truncated stream throw; nothing traps.
public func gunzipIfNeeded(_ bytes: [UInt8], path: String) throws -> [UInt8] {
  guard isGzip(bytes) else {
    if path.hasSuffix(".gz") { throw bytes.isEmpty ? DataError.emptyFile(path: path) : .notGzip(path: path) }
    return bytes
  }
  return try GzipInflater(path: path).inflate(bytes)
}

func isGzip(_ bytes: [UInt8]) -> Bool {
  bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// The gzip trailer's ISIZE (uncompressed size mod 2^32) is only a hint: it is wrong for files
/// over 4 GiB and for concatenated members, and a hostile file may lie, so it is capped.
func gzipSizeHint(_ bytes: [UInt8]) -> Int {
  let fallback = bytes.count * 4
  guard bytes.count >= 18 else { return max(fallback, 64) }
  let n = bytes.count
  let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
  // Deflate expands at most 1032:1, so a larger ISIZE is a lie: believing it would allocate
  // and zero-fill up to 4 GiB for a few bytes of input.
  let cap = n * 1032 + 64
  return isize > 0 ? min(isize, cap) : max(fallback, 64)
}

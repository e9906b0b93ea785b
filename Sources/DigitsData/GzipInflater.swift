import CDigitsZlib

/// One zlib inflate session over a whole in-memory gzip file (all members, if concatenated).
struct GzipInflater {
  let path: String

  /// windowBits 15 + 32: the largest window, with automatic gzip/zlib header detection.
  private static let windowBits: Int32 = 15 + 32

  func inflate(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    let initStatus = inflateInit2_(
      &stream, Self.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else { throw failure("inflateInit2 returned \(initStatus)", stream) }
    defer { inflateEnd(&stream) }

    var output = [UInt8](repeating: 0, count: gzipSizeHint(input) + 1)
    var produced = 0
    try input.withUnsafeBufferPointer { source in
      var consumed = 0
      while true {
        if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
        let status = step(&stream, source, &consumed, &output, &produced)
        switch status {
        case Z_OK:
          continue
        case Z_STREAM_END:
          if consumed == source.count { return }
          // Another gzip member may follow (as `cat a.gz b.gz` makes); anything else is garbage.
          guard source[consumed] == 0x1f else {
            throw failure("\(source.count - consumed) bytes of garbage after the gzip stream", stream)
          }
          inflateReset(&stream)
        case Z_BUF_ERROR:
          // Output room is always there (it grows first), so only missing input stops inflate.
          throw failure("unexpected end of data after \(consumed) compressed bytes", stream)
        default:
          throw failure("inflate returned \(status)", stream)
        }
      }
    }
    output.removeLast(output.count - produced)
    return output
  }

  /// Feeds at most 4 GiB at a time (zlib counts in UInt32) and inflates into the free tail.
  private func step(
    _ stream: inout z_stream, _ source: UnsafeBufferPointer<UInt8>, _ consumed: inout Int,
    _ output: inout [UInt8], _ produced: inout Int
  ) -> Int32 {
    let inputChunk = min(source.count - consumed, Int(UInt32.max))
    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
    stream.avail_in = UInt32(inputChunk)
    return output.withUnsafeMutableBufferPointer { target in
      let outputChunk = min(target.count - produced, Int(UInt32.max))
      stream.next_out = target.baseAddress! + produced
      stream.avail_out = UInt32(outputChunk)
      let status = CDigitsZlib.inflate(&stream, Z_NO_FLUSH)
      consumed += inputChunk - Int(stream.avail_in)
      produced += outputChunk - Int(stream.avail_out)
      return status
    }
  }

  private func failure(_ detail: String, _ stream: z_stream) -> DataError {
    let zlibMessage = stream.msg.map { String(cString: $0) }
    return .corruptGzip(path: path, detail: zlibMessage.map { "\($0); \(detail)" } ?? detail)
  }
}

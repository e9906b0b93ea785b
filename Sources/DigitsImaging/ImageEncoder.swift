import CDigitsStbImage

/// PNG and JPEG bytes through stb_image_write: `--save-preprocessed` writes what the model saw,
/// and tests write their inputs. Pixels are row-major and interleaved, `channels` 1 to 4 (gray,
/// gray+alpha, RGB, RGBA), 8 bits each.
public enum ImageEncoder {
  public static func png(_ pixels: [UInt8], width: Int, height: Int, channels: Int = 1) -> [UInt8] {
    check(pixels, width: width, height: height, channels: channels)
    return encode { context in
      stbi_write_png_to_func(
        appendBytes, context, Int32(width), Int32(height), Int32(channels), pixels, Int32(width * channels))
    }
  }

  /// `quality` 1 to 100; an alpha channel is dropped (JPEG has none).
  public static func jpeg(_ pixels: [UInt8], width: Int, height: Int, channels: Int = 1, quality: Int = 90)
    -> [UInt8]
  {
    check(pixels, width: width, height: height, channels: channels)
    return encode { context in
      stbi_write_jpg_to_func(
        appendBytes, context, Int32(width), Int32(height), Int32(channels), pixels, Int32(quality))
    }
  }

  private static func check(_ pixels: [UInt8], width: Int, height: Int, channels: Int) {
    precondition(
      width > 0 && height > 0 && (1...4).contains(channels), "bad image \(width)x\(height)x\(channels)")
    precondition(
      pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)x\(height)x\(channels)")
  }

  /// Runs an stb writer given `appendBytes` as its output callback and an array as its context.
  private static func encode(_ writer: (UnsafeMutableRawPointer) -> Int32) -> [UInt8] {
    var output: [UInt8] = []
    let status = withUnsafeMutablePointer(to: &output) { writer(UnsafeMutableRawPointer($0)) }
    precondition(status != 0, "stb_image_write failed on a valid image")
    return output
  }
}

/// stb_image_write's output callback: appends each chunk to the [UInt8] `context` points to.
private let appendBytes: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32) -> Void =
  {
    context, data, size in
    guard let context, let data else { return }
    context.assumingMemoryBound(to: [UInt8].self).pointee.append(
      contentsOf: UnsafeRawBufferPointer(start: data, count: Int(size)))
  }

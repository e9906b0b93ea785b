/// Test-time augmentation: the views of each image whose class probabilities are averaged. Small
/// whole-pixel shifts, because a digit's class does not change when it moves by a pixel while the
/// network's answer sometimes does.
public enum TestTimeAugmentation {
  /// (dx, dy) in pixels: the image itself and one-pixel shifts right, left, down and up.
  public static let shifts: [(dx: Int, dy: Int)] = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]

  /// images [N, rows, cols, 1] → shifted [N, rows, cols, 1]: pixel (x, y) of the result is pixel
  /// (x - dx, y - dy) of the source, `background` where that lies outside.
  public static func shift(
    _ images: UnsafePointer<Float>, count: Int, rows: Int, cols: Int, dx: Int, dy: Int, background: Float,
    into shifted: UnsafeMutablePointer<Float>
  ) {
    for n in 0..<count {
      let (source, target) = (images + n * rows * cols, shifted + n * rows * cols)
      for y in 0..<rows {
        let sy = y - dy
        for x in 0..<cols {
          let sx = x - dx
          target[y * cols + x] =
            sy >= 0 && sy < rows && sx >= 0 && sx < cols ? source[sy * cols + sx] : background
        }
      }
    }
  }
}

/// Test-time augmentation: the views of each image whose class probabilities are averaged. Small
/// whole-pixel shifts, because a digit's class does not change when it moves by a pixel while the
/// network's answer sometimes does; optionally two small rotations, for a network trained on
/// rotated digits, and every view enlarged, for a network trained on rescaled digits.
public enum TestTimeAugmentation {
  /// (dx, dy) in pixels: the image itself and one-pixel shifts right, left, down and up.
  public static let shifts: [(dx: Int, dy: Int)] = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]

  /// The five `shifts`, then with `rotation` > 0 the image rotated by +rotation and -rotation
  /// degrees about its centre; each view enlarged by `scale` about the centre first (so a
  /// shift still moves by whole pixels).
  public static func views(rotation degrees: Float = 0, scale: Float = 1) -> [AffineDistortion] {
    let moved = shifts.map {
      AffineDistortion(angle: 0, scale: scale, shiftX: Float($0.dx), shiftY: Float($0.dy))
    }
    guard degrees > 0 else { return moved }
    return moved
      + [degrees, -degrees].map {
        AffineDistortion(angle: $0 * .pi / 180, scale: scale, shiftX: 0, shiftY: 0)
      }
  }

  /// images [N, rows, cols, 1] → views [N, rows, cols, 1], each image warped by `view`
  /// (bilinear, so a whole-pixel shift moves pixels exactly), `background` outside the source.
  public static func apply(
    _ view: AffineDistortion, to images: UnsafePointer<Float>, count: Int, rows: Int, cols: Int,
    background: Float, into views: UnsafeMutablePointer<Float>
  ) {
    for n in 0..<count {
      view.apply(
        images + n * rows * cols, rows: rows, cols: cols, background: background,
        into: views + n * rows * cols)
    }
  }
}

import DigitsData
import DigitsTraining
import Foundation

/// A model's misclassified test images as an SVG grid: each image a PNG tile embedded as a data
/// URI (drawn at twice its size, pixels kept sharp), over the label "true → predicted
/// (confidence%)". Ordered by true class, then prediction, then index.
public struct ErrorGrid {
  public var title: String
  /// The test set the errors' indices point into.
  public var images: LabeledImages
  public var errors: [MisclassifiedImage]
  /// Encodes 8-bit grayscale pixels (row-major, width, height) as PNG: DigitsImaging's
  /// `ImageEncoder.png` (the training layer links no image codec of its own).
  public var pngEncoder: (_ pixels: [UInt8], _ width: Int, _ height: Int) -> [UInt8]
  public var columns = 12
  /// The most tiles drawn: a model barely trained gets thousands wrong, and rsvg-convert cannot
  /// render an image above 32,767 pixels; any model worth a report gets far fewer wrong.
  public var maximumTiles = 600

  public init(
    title: String, images: LabeledImages, errors: [MisclassifiedImage],
    pngEncoder: @escaping (_ pixels: [UInt8], _ width: Int, _ height: Int) -> [UInt8]
  ) {
    self.title = title
    self.images = images
    self.errors = errors
    self.pngEncoder = pngEncoder
  }

  /// Why `errors` cannot be drawn from `images` (an index outside the set, or a label that
  /// differs: the runs were measured on another test set); nil when they can.
  public static func mismatch(_ errors: [MisclassifiedImage], images: LabeledImages) -> String? {
    guard
      let bad = errors.first(where: { $0.index >= images.count || Int(images.labels[$0.index]) != $0.label })
    else { return nil }
    return bad.index >= images.count
      ? "test image \(bad.index) is beyond the \(images.count) images of the test set given"
      : "test image \(bad.index) is labelled \(images.labels[bad.index]) in the test set given, "
        + "\(bad.label) in metrics.json"
  }

  public var ordered: [MisclassifiedImage] {
    errors.sorted { ($0.label, $0.predicted, $0.index) < ($1.label, $1.predicted, $1.index) }
  }

  public var svg: String {
    let scale = 2
    let (tileWidth, tileHeight) = (images.cols * scale, images.rows * scale)
    let cellWidth = max(tileWidth, 72) + 16
    let cellHeight = tileHeight + 30
    let shown = Array(ordered.prefix(maximumTiles))
    let heading =
      shown.count < errors.count ? title + " (the first \(shown.count) of \(errors.count))" : title
    let rows = (shown.count + columns - 1) / columns
    let width = max(columns * cellWidth + 16, 480)
    let headingLines = SVGText.wrapped(heading, characters: (width - 16) / Self.headingCharacterWidth)
    let top = 22 + headingLines.count * Self.headingLineHeight
    let height = top + rows * cellHeight + 8
    var parts = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"\(width)\" height=\"\(height)\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      "<text x=\"8\" y=\"6\" font-size=\"14\">"
        + headingLines.map { "<tspan x=\"8\" dy=\"\(Self.headingLineHeight)\">\(xmlEscaped($0))</tspan>" }
        .joined()
        + "</text>",
    ]
    for (position, error) in shown.enumerated() {
      let x = 8 + position % columns * cellWidth
      let y = top + position / columns * cellHeight
      let start = error.index * images.pixelsPerImage
      let png = pngEncoder(
        Array(images.pixels[start..<(start + images.pixelsPerImage)]), images.cols, images.rows)
      parts.append(
        "<image x=\"\(x + (cellWidth - tileWidth) / 2)\" y=\"\(y)\" width=\"\(tileWidth)\" height=\"\(tileHeight)\" "
          + "image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" "
          + "xlink:href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"><title>test image \(error.index)</title></image>"
      )
      let confidence = String(format: "%.0f%%", Double(error.confidence) * 100)
      parts.append(
        "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + tileHeight + 15)\" text-anchor=\"middle\">"
          + "\(error.label) → \(error.predicted) (\(confidence))</text>")
    }
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
  }

  /// The heading's line height and the widest a 14-pixel DejaVu Sans character runs (an
  /// overestimate, so a wrapped line never reaches the edge).
  public static let headingLineHeight = 18
  public static let headingCharacterWidth = 9
}

extension LabeledImages {
  /// The images at `indices`, in that order: e.g. a `DataSplit`'s validation set, to evaluate a
  /// model on the images its training held out.
  public func subset(_ indices: [Int]) -> LabeledImages {
    let size = pixelsPerImage
    var chosen = [UInt8]()
    chosen.reserveCapacity(indices.count * size)
    for index in indices {
      precondition(index >= 0 && index < count, "image index \(index) is outside 0..<\(count)")
      chosen += pixels[index * size..<(index + 1) * size]
    }
    return LabeledImages(rows: rows, cols: cols, pixels: chosen, labels: indices.map { labels[$0] })
  }
}

import DigitsData
import TestSupport
import Testing

@Suite struct LabeledImagesTests {
  let images = try! IDXImages.parse(
    IDXBytes.images(count: 2, rows: 2, cols: 2), path: "dir/train-images-idx3-ubyte")

  @Test func pairsMatchingFiles() throws {
    let labels = try IDXLabels.parse(IDXBytes.labels([3, 9]), path: "dir/train-labels-idx1-ubyte")
    let pairs = try LabeledImages(images: images, labels: labels)
    #expect((pairs.count, pairs.rows, pairs.cols, pairs.labels) == (2, 2, 2, [3, 9]))
  }

  @Test func countMismatch() throws {
    let labels = try IDXLabels.parse(IDXBytes.labels([1, 2, 3]), path: "dir/train-labels-idx1-ubyte")
    let expected = DataError.countMismatch(
      imagesPath: "dir/train-images-idx3-ubyte", imageCount: 2, labelsPath: "dir/train-labels-idx1-ubyte",
      labelCount: 3)
    expectDataError(expected, naming: "train-labels-idx1-ubyte") {
      _ = try LabeledImages(images: images, labels: labels)
    }
    #expect(expected.description.contains("train-images-idx3-ubyte"))
  }

  @Test func labelTen() throws {
    let labels = try IDXLabels.parse(IDXBytes.labels([4, 10]), path: "dir/train-labels-idx1-ubyte")
    expectDataError(
      .labelOutOfRange(path: "dir/train-labels-idx1-ubyte", index: 1, label: 10, classes: 10),
      naming: "train-labels-idx1-ubyte"
    ) { _ = try LabeledImages(images: images, labels: labels) }
  }

  @Test func subsetKeepsTheChosenImagesInTheirOrder() throws {
    let labels = try IDXLabels.parse(IDXBytes.labels([3, 9]), path: "dir/train-labels-idx1-ubyte")
    let pairs = try LabeledImages(images: images, labels: labels)
    let swapped = pairs.subset([1, 0, 1])
    #expect((swapped.count, swapped.rows, swapped.cols, swapped.labels) == (3, 2, 2, [9, 3, 9]))
    #expect(swapped.pixels == Array(pairs.pixels[4..<8] + pairs.pixels[0..<4] + pairs.pixels[4..<8]))
    #expect(pairs.subset([]).count == 0)
  }
}

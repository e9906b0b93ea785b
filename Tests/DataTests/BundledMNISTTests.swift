import DigitsData
import Testing

/// Facts about the bundled MNIST from data/mnist/README.md (loading also verifies the MD5s).
@Suite struct BundledMNISTTests {
  var mnist: MNIST { get throws { try BundledMNIST.loaded.get() } }

  @Test func sizes() throws {
    let mnist = try mnist
    #expect((mnist.train.count, mnist.train.rows, mnist.train.cols) == (60_000, 28, 28))
    #expect((mnist.test.count, mnist.test.rows, mnist.test.cols) == (10_000, 28, 28))
    #expect(mnist.train.pixels.count == 60_000 * 784)
    #expect(mnist.test.labels.count == 10_000)
  }

  @Test func labelCounts() throws {
    let mnist = try mnist
    #expect(
      histogram(mnist.train.labels, bins: 10) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    #expect(
      histogram(mnist.test.labels, bins: 10) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
  }

  @Test func firstLabels() throws {
    let mnist = try mnist
    #expect(Array(mnist.train.labels.prefix(10)) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    #expect(Array(mnist.test.labels.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
  }

  /// The mean and std on [0, 1] that `Normalization.mnist` hard-codes.
  @Test func trainPixelStatistics() throws {
    let counts = histogram(try mnist.train.pixels, bins: 256)
    let total = Double(counts.reduce(0, +))
    var (sum, sumOfSquares) = (0.0, 0.0)
    for (value, count) in counts.enumerated() {
      let x = Double(value) / 255
      sum += x * Double(count)
      sumOfSquares += x * x * Double(count)
    }
    let mean = sum / total
    let std = (sumOfSquares / total - mean * mean).squareRoot()
    #expect(abs(mean - 0.1307) < 5e-5)
    #expect(abs(std - 0.3081) < 5e-5)
    #expect(abs(Double(Normalization.mnist.mean) - mean) < 5e-5)
    #expect(abs(Double(Normalization.mnist.std) - std) < 5e-5)
  }

  @Test func bundledDirectoryIsTheRepositoryCopy() {
    #expect(MNIST.bundledDirectory.hasSuffix("/data/mnist"))
  }

  private func histogram(_ values: [UInt8], bins: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: bins)
    values.withUnsafeBufferPointer { buffer in
      for value in buffer { counts[Int(value)] += 1 }
    }
    return counts
  }
}

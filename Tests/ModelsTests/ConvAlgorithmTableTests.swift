import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation
import TestSupport
import Testing

/// Every convolution of ResNet18, 34 and 50 on 28x28 MNIST with the algorithm it takes, forward
/// and for the input gradient, against the committed table Tests/Fixtures/conv_algorithms.txt,
/// so that a change in dispatch shows as a diff of that file. After a deliberate change,
/// regenerate it with `DIGITS_WRITE_CONV_TABLE=1 swift test --filter ConvAlgorithmTableTests`
/// and commit the diff.
@Suite struct ConvAlgorithmTableTests {
  static let path = Fixture.fixturesDirectory + "/conv_algorithms.txt"

  @Test func everyResNetConvTakesTheCommittedAlgorithm() throws {
    let table =
      Self.header + line("model", "layer", "input", "output", "kernel", "forward", "input gradient")
      + [ResNetArchitecture.resnet18, .resnet34, .resnet50].flatMap(rows).joined()
    if ProcessInfo.processInfo.environment["DIGITS_WRITE_CONV_TABLE"] == "1" {
      try table.write(toFile: Self.path, atomically: true, encoding: .utf8)
    }
    let committed = try String(contentsOfFile: Self.path, encoding: .utf8)
    let (actual, expected) = (table.split(separator: "\n"), committed.split(separator: "\n"))
    let changes =
      expected.filter { !actual.contains($0) }.map { "- " + $0 }
      + actual.filter { !expected.contains($0) }.map { "+ " + $0 }
    if !changes.isEmpty {
      Issue.record(
        """
        dispatch differs from \(Self.path) (- committed, + now); if meant, regenerate it (see this suite):
        \(changes.joined(separator: "\n"))
        """)
    } else if table != committed {
      Issue.record("\(Self.path): the same rows in another order or under another header; regenerate it")
    }
  }

  static let header = """
    # Every convolution of torchvision's ResNet18, 34 and 50 on 28x28 MNIST (1 input channel, 10
    # classes) and the ConvAlgorithm it takes (ConvGeometry.algorithm; the batch size never
    # changes it). Input gradient: the conv of the flipped kernel that computes it, by its own
    # algorithm, or the conv's own algorithm where its backward computes it directly; none for
    # the stem, whose input is the image. Written by Tests/ModelsTests/ConvAlgorithmTableTests.swift
    # (DIGITS_WRITE_CONV_TABLE=1 swift test --filter ConvAlgorithmTableTests); do not edit.

    """

  /// One line per conv of `architecture`, in construction order, from the geometries of a
  /// forward pass over one image.
  func rows(_ architecture: ResNetArchitecture) -> [String] {
    let model = ResNet(architecture, classes: 10, inputChannels: 1)
    _ = model.forward(
      Tensor([Float](repeating: 0, count: 28 * 28), batch: 1, height: 28, width: 28, channels: 1),
      context: ExecutionContext(training: false))
    return model.convolutions.map { conv in
      let g = conv.geometry!
      let algorithm = g.algorithm
      var inputGradient = "-"
      if conv.computesInputGradient {
        inputGradient =
          g.flippedKernelInputGradient(algorithm).map { "flipped kernel: \($0.algorithm)" } ?? "\(algorithm)"
      }
      var training = g
      training.batch = 128
      #expect(training.algorithm == algorithm, "\(g)")
      #expect(
        training.flippedKernelInputGradient(algorithm)?.algorithm
          == g.flippedKernelInputGradient(algorithm)?.algorithm)
      // torchvision's name: the weight's state_dict key less ".weight".
      let weightName = model.parameters.slots.first { $0.offset == conv.weight.offset }!.name
      let name = String(weightName.dropLast(".weight".count))
      #expect(
        g.strideWidth == g.strideHeight && g.padWidth == g.padHeight, "the kernel column shows one of each")
      return line(
        architecture.rawValue, name, "\(g.inHeight)x\(g.inWidth)x\(g.inChannels)",
        "\(g.outHeight)x\(g.outWidth)x\(g.outChannels)",
        "\(g.kernelHeight)x\(g.kernelWidth) s\(g.strideHeight) p\(g.padHeight)", "\(algorithm)", inputGradient
      )
    }
  }

  /// The columns, padded to line up.
  func line(_ columns: String...) -> String {
    let widths = [8, 22, 10, 10, 10, 20, 0]
    return zip(columns, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }
      .joined(separator: " ") + "\n"
  }
}

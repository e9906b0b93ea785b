import ArgumentParser
import DigitsKit
import Foundation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure training and inference throughput, GFLOP/s and peak memory.",
    discussion: """
      Times --steps training steps after two warm-up steps: the step `digits train` runs (forward, \
      loss, backward, the finite-gradient check, Adam, the accuracy count) with its defaults, on \
      real batches of --data-dir. Then inference at batch 1024 on its test images. Peak memory is \
      the resident set after training.
      """)

  @Option(help: "Architecture.") var model = ResNetArchitecture.resnet50
  @Option(help: "Training batch size.") var batchSize = 128
  @Option(help: "Timed training steps.") var steps = 10
  @Option(help: "Timed inference batches of 1024 images.") var inferenceBatches = 2
  @Flag(help: "Print one JSON object.") var json = false
  @Flag(help: "Add the share of training time per operation kind.") var profile = false
  @OptionGroup var data: DataOptions

  func validate() throws {
    if batchSize < 1 { throw InputProblem("--batch-size must be at least 1, got \(batchSize)") }
    if steps < 1 { throw InputProblem("--steps must be at least 1, got \(steps)") }
    if inferenceBatches < 1 {
      throw InputProblem("--inference-batches must be at least 1, got \(inferenceBatches)")
    }
  }

  func run() throws {
    let result = try Benchmark.run(
      architecture: model, data: try data.load(), batchSize: batchSize, steps: steps,
      inferenceBatches: inferenceBatches, threads: data.threadCount, profile: profile
    ) { message in
      if !json { FileHandle.standardError.write(Foundation.Data(("\r\u{1B}[K" + message).utf8)) }
    }
    if json {
      print(encodeJSON(result), terminator: "")
      return
    }
    FileHandle.standardError.write(Foundation.Data("\r\u{1B}[K".utf8))
    print(
      ReportPrinter.table(
        header: ["\(result.model), batch \(result.batchSize), \(result.threads) threads", "value"],
        rows: [
          ["training", String(format: "%.1f images/s", result.trainImagesPerS)],
          ["training compute", String(format: "%.1f GFLOP/s", result.trainGflops)],
          ["inference (batch 1024)", String(format: "%.1f images/s", result.inferImagesPerS)],
          ["peak memory (training)", String(format: "%.0f MB", result.peakRssMb)],
        ]))
    if let shares = result.profile {
      print("")
      print(
        ReportPrinter.table(
          header: ["operation", "share of a training step"],
          rows: shares.sorted { $0.value > $1.value }.map {
            [$0.key, String(format: "%.1f%%", $0.value * 100)]
          }))
    }
  }
}

import ArgumentParser
import DigitsKit
import Foundation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure training and inference throughput, GFLOP/s and peak memory.",
    discussion: """
      Times --steps training steps after two warm-up steps: the step `digits train` runs (forward, \
      loss, backward, the finite-gradient check, the optimiser, the weight average, the accuracy \
      count) under --protocol's recipe and the flags given, on \
      real batches of --data-dir. Then inference at batch 1024 on its test images. Peak memory is \
      the resident set after training. Last, the machine's own peak on the same threads: a \
      2048³ sgemm and a 64 MiB parallel copy; model FLOP utilisation is the training GFLOP/s \
      (PyTorch's FLOP count) over that sgemm rate, and the inference ceiling the images/s that \
      rate allows for the multiply-adds inference computes (fewer than PyTorch counts where \
      Winograd, the 2x2-map form, the valid-tap GEMMs or the stem's loop run; the roofline's \
      GFLOP/s keep PyTorch's count). Under mpirun, the ranks share each batch as `digits train` \
      does, and the table adds the step's compute and communication time and the gradient \
      all-reduce's bandwidth (rank 0 prints; the peak is its share of the machine, and the \
      utilisation and ceiling use it times the processes). On 2 threads or more it also times \
      a cache line's round trip between two cores before training, after it and after \
      inference: a virtual machine whose host runs its vCPUs on distant cores reads it several \
      times higher, and every two-thread figure of that phase lower.
      """)

  @Option(
    help: ArgumentHelp(
      "Time the step of this protocol's recipe (optimiser, loss, augmentation, weight average, batch size), as `digits train --protocol` trains it; the flags below override its settings.",
      valueName: "protocol"))
  var `protocol` = TrainingProtocol.paper
  @Option(help: "Architecture.") var model = ResNetArchitecture.resnet50
  @Option(help: "Stem: standard or nomaxpool.") var stem = ResNetStem.standard
  @Flag(help: "Time the step with random affine augmentation of its images (as --augment trains).")
  var augment = false
  @Option(
    help: ArgumentHelp(
      "How --augment samples (bilinear or nearest, as train's --augment-sampling).", valueName: "sampling"))
  var augmentSampling = Augmentation.Sampling.bilinear
  @Option(
    help: ArgumentHelp(
      "With --augment, time an elastic distortion of this many pixels too (as train's --elastic).",
      valueName: "alpha"))
  var elastic: Float?
  @Option(help: ArgumentHelp("As train's --elastic-sigma.", valueName: "sigma")) var elasticSigma: Float?
  @Option(
    help: ArgumentHelp(
      "Time the step with a moving average of the weights, as train's --ema (0: none). Default: the protocol's.",
      valueName: "decay"))
  var ema: Float?
  @Option(help: "Training batch size. Default: the protocol's.") var batchSize: Int?
  @Option(help: "Timed training steps.") var steps = 10
  @Option(help: "Timed inference batches of 1024 images.") var inferenceBatches = 2
  @Flag(help: "Print one JSON object.") var json = false
  @Flag(
    help: """
      Add the share of training time per operation kind, and a roofline: each conv geometry and \
      other operation's time, GFLOP/s and GB/s against the machine's measured peak, for a \
      training step and for an inference batch.
      """)
  var profile = false
  @Flag(help: "Under mpirun: time the step with synchronised BatchNorm (as --sync-bn trains).")
  var syncBn = false
  @Option(
    help: ArgumentHelp(
      "Under mpirun: the gradient all-reduce's bucket size (as train's --bucket-mb).", valueName: "mb"))
  var bucketMb = 0
  @OptionGroup var data: DataOptions

  func validate() throws {
    if let batchSize, batchSize < 1 {
      throw InputProblem("--batch-size must be at least 1, got \(batchSize)")
    }
    if steps < 1 { throw InputProblem("--steps must be at least 1, got \(steps)") }
    if bucketMb < 0 { throw InputProblem("--bucket-mb must be 0 or more, got \(bucketMb)") }
    if let ema, !(ema >= 0 && ema < 1) { throw InputProblem("--ema must be in [0, 1), got \(ema)") }
    try Train.checkElastic(
      elastic, sigma: elasticSigma,
      augment: augment || TrainingConfig(protocol: self.protocol, stem: stem, threads: 1).augment)
    if inferenceBatches < 1 {
      throw InputProblem("--inference-batches must be at least 1, got \(inferenceBatches)")
    }
  }

  func run() throws {
    var config = TrainingConfig(protocol: self.protocol, stem: stem, threads: data.threadCount)
    config.model = model
    if let batchSize { config.batchSize = batchSize }
    if augment { config.augment = true }
    config.augmentSampling = augmentSampling
    if let elastic { config.elastic = elastic }
    if let elasticSigma { config.elasticSigma = elasticSigma }
    if let ema { config.ema = ema > 0 ? ema : nil }
    config.syncBatchNorm = syncBn
    config.bucketMegabytes = bucketMb
    let job = try Job.start()
    // The status line redraws itself in place, which only a terminal shows as one line.
    let showsStatus = !json && job.isLeader && isatty(STDERR_FILENO) != 0
    let result = try Benchmark.run(
      config: config, data: try data.load(), steps: steps, inferenceBatches: inferenceBatches,
      profile: profile, communicator: job
    ) { message in
      if showsStatus { FileHandle.standardError.write(Foundation.Data(("\r\u{1B}[K" + message).utf8)) }
    }
    Job.finish()
    guard job.isLeader else { return }
    if json {
      print(encodeJSON(result), terminator: "")
      return
    }
    if showsStatus { FileHandle.standardError.write(Foundation.Data("\r\u{1B}[K".utf8)) }
    let threads = result.threads == 1 ? "1 thread" : "\(result.threads) threads"
    print(
      ReportPrinter.table(
        header: ["\(result.model), batch \(result.batchSize), \(threads)", "value"],
        rows: [
          ["training", String(format: "%.1f images/s", result.trainImagesPerS)],
          ["training compute", String(format: "%.1f GFLOP/s", result.trainGflops)],
          ["inference (batch 1024)", String(format: "%.1f images/s", result.inferImagesPerS)],
          ["peak memory (training)", String(format: "%.0f MB", result.peakRssMb)],
        ] + peakRows(result) + distributedRows(result)))
    if let machine = result.machine { print("on " + machine.summary) }
    if let shares = result.profile {
      print("")
      print(
        ReportPrinter.table(
          header: ["operation", "share of a training step"],
          rows: shares.sorted { $0.value > $1.value }.map {
            [$0.key, String(format: "%.1f%%", $0.value * 100)]
          }))
    }
    if let roofline = result.roofline {
      print("")
      print(Self.rooflineTable(roofline, per: "step"))
    }
    if let roofline = result.inferenceRoofline {
      print("\ninference, batch 1024 (each BatchNorm in its conv's row, folded where that pays):")
      print(Self.rooflineTable(roofline, per: "batch"))
    }
  }

  /// The machine's measured limits and the training step's share of the sgemm one.
  private func peakRows(_ result: BenchmarkResult) -> [[String]] {
    guard let peak = result.peak, let utilisation = result.modelFlopUtilisation else { return [] }
    return [
      ["machine peak: sgemm 2048³", String(format: "%.1f GFLOP/s", peak.sgemmGflops)],
      ["machine peak: memory copy", String(format: "%.1f GB/s", peak.bandwidthGBPerS)],
      ["model FLOP utilisation", String(format: "%.1f%% of the sgemm peak", 100 * utilisation)],
    ] + roundTripRows(result) + ceilingRows(result)
  }

  /// Where the threads ran: a slow round trip marks distant cores, which slow every two-thread
  /// figure of that phase; ratios against other programs are fair only between runs alike in it.
  private func roundTripRows(_ result: BenchmarkResult) -> [[String]] {
    guard let nanoseconds = result.coreRoundTripNanoseconds, nanoseconds.count == 3 else { return [] }
    return [
      [
        "core-to-core round trip",
        String(
          format: "%.0f / %.0f / %.0f ns (before training, after it, after inference)", nanoseconds[0],
          nanoseconds[1], nanoseconds[2]),
      ]
    ]
  }

  /// The inference rate the sgemm peak allows for the multiply-adds inference computes.
  private func ceilingRows(_ result: BenchmarkResult) -> [[String]] {
    guard let ceiling = result.inferenceCeilingImagesPerS, let flops = result.inferenceExecutedFlopsPerImage
    else { return [] }
    return [
      [
        "inference ceiling at that peak",
        String(
          format: "%.0f images/s (%.1f MFLOP/image computed, %.0f%% reached)", ceiling, flops / 1e6,
          100 * result.inferImagesPerS / ceiling),
      ]
    ]
  }

  /// Every operation shape, largest share first: its rate and how close it comes to the roof
  /// its FLOPs per byte allow.
  static func rooflineTable(_ rows: [RooflineRow], per unit: String) -> String {
    ReportPrinter.table(
      header: [
        "operation", "algorithm", "layers", "ms/\(unit)", "share", "GFLOP/s", "GB/s", "of roof", "bound",
      ],
      rows: rows.map { row in
        [
          row.operation, row.algorithm ?? "", "\(row.layers)", String(format: "%.1f", row.milliseconds),
          String(format: "%.1f%%", 100 * row.share), row.gflops > 0 ? String(format: "%.1f", row.gflops) : "",
          String(format: "%.1f", row.gbPerS), String(format: "%.0f%%", 100 * row.roofFraction), row.bound,
        ]
      })
  }

  /// The step's split into compute and communication, and the all-reduce alone.
  private func distributedRows(_ result: BenchmarkResult) -> [[String]] {
    guard let processes = result.processes, let compute = result.computeSecondsPerStep,
      let communication = result.communicationSecondsPerStep, let allReduce = result.allReduceSeconds,
      let bandwidth = result.allReduceBusGBPerS, let megabytes = result.gradientMegabytes
    else { return [] }
    return [
      ["processes", "\(processes)"],
      ["step: compute", String(format: "%.1f ms", compute * 1000)],
      [
        "step: communication",
        String(
          format: "%.1f ms (%.0f%%)", communication * 1000, 100 * communication / (compute + communication)),
      ],
      [
        "all-reduce hidden behind backward",
        String(format: "%.0f%%", 100 * (result.allReduceHiddenShare ?? 0)),
      ],
      [
        "gradient all-reduce",
        String(format: "%.0f MB in %.1f ms, bus %.2f GB/s", megabytes, allReduce * 1000, bandwidth),
      ],
    ]
  }
}

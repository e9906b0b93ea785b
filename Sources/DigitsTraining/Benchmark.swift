import DigitsData
import DigitsKernels
import DigitsModels
import DigitsNN
import Foundation

/// `digits bench`: throughput of training steps (forward + backward + Adam) on real MNIST
/// batches and of inference at batch 1024, the GFLOP/s that implies (PyTorch's FLOP count:
/// 2 per multiply-add of every conv and linear layer, a training step counted as 3 forward
/// passes), and the peak resident memory of the training phase.
public struct BenchmarkResult: Codable, Sendable {
  public var model: String
  public var batchSize: Int
  public var trainImagesPerS: Double
  public var inferImagesPerS: Double
  public var trainGflops: Double
  public var peakRssMb: Double
  public var threads: Int
  /// The CPU it ran on (nil where /proc/cpuinfo does not name it).
  public var machine: MachineDescription?
  /// Share of the timed training steps per operation kind (with --profile).
  public var profile: [String: Double]?
  /// The machine's own sgemm rate and memory bandwidth on these threads, measured after the rest.
  public var peak: MachinePeak?
  /// Nanoseconds for a cache line to go from one core to another and back (`CoreRoundTrip`),
  /// before the timed training, after it and after the timed inference: a value several times
  /// the others marks a phase whose two threads ran on distant cores. Nil on one thread.
  public var coreRoundTripNanoseconds: [Double]?
  /// Training FLOPs per image (PyTorch's count) × training images/s ÷ the sgemm peak (under
  /// mpirun, the processes' peaks added: this one's × their count).
  public var modelFlopUtilisation: Double?
  /// Each operation shape's time and its rate against the peak (with --profile).
  public var roofline: [RooflineRow]?
  /// The same for inference, per batch of 1024 (with --profile).
  public var inferenceRoofline: [RooflineRow]?
  /// FLOPs per image that inference's algorithms compute (`ConvGeometry.forwardMultiplyAdds`:
  /// PyTorch's count less what Winograd, the 2x2-map form, the valid taps and the stem's loop
  /// skip), and the images/s they would allow at the sgemm peak: a ceiling for float32
  /// inference on this machine (the roofline rows keep PyTorch's count).
  public var inferenceExecutedFlopsPerImage: Double?
  public var inferenceCeilingImagesPerS: Double?
  /// Data-parallel runs (under mpirun): the processes, the seconds per step spent computing and
  /// inside collectives (gradient all-reduce, BatchNorm buffers or statistics, loss totals), the
  /// share of the all-reduce hidden behind the backward pass, and the gradient all-reduce alone:
  /// its seconds and bus bandwidth, 2(N-1)/N x bytes / seconds, in GB/s.
  public var processes: Int?
  public var computeSecondsPerStep: Double?
  public var communicationSecondsPerStep: Double?
  public var allReduceHiddenShare: Double?
  public var allReduceSeconds: Double?
  public var allReduceBusGBPerS: Double?
  public var gradientMegabytes: Double?
}

public enum Benchmark {
  /// Times `steps` training steps after two warm-up steps (the step `Trainer` runs with `config`:
  /// its model, stem, batch size, optimiser, augmentation and weight average), then inference
  /// over `inferenceBatches` batches of 1024 test images after one warm-up batch.
  public static func run(
    config: TrainingConfig, data: MNIST, steps: Int, inferenceBatches: Int, profile: Bool,
    communicator: any Communicator = SingleProcess(), progress: (String) -> Void
  ) throws -> BenchmarkResult {
    try OpenBLAS.require()
    return try Workers.run(config.threads) {
      try measure(
        config: config, data: data, steps: steps, inferenceBatches: inferenceBatches, profile: profile,
        communicator: communicator, progress: progress)
    }
  }

  private static func measure(
    config: TrainingConfig, data: MNIST, steps: Int, inferenceBatches: Int, profile: Bool,
    communicator: any Communicator, progress: (String) -> Void
  ) throws -> BenchmarkResult {
    let model = ResNet(config.model, classes: MNIST.classes, stem: config.stem)
    var generator = SeededGenerator(seed: 0)
    model.initialize(using: &generator, zeroInitResidual: config.zeroInitResidual)
    let average = config.ema.map {
      WeightAverage(
        model: ResNet(config.model, classes: MNIST.classes, stem: config.stem), decay: $0, copying: model)
    }
    let step = TrainingStep(
      model: model, optimizer: config.makeOptimizer(model.parameters), labelSmoothing: config.labelSmoothing,
      average: average, communicator: communicator, synchronizedBatchNorm: config.syncBatchNorm,
      bucketFloats: config.bucketFloats)
    var batches = try BatchIterator(data: data.train, batchSize: config.batchSize, dropLast: true, seed: 1)
    batches.augmentation = config.augmentation
    batches.shard = Shard(index: communicator.rank, count: communicator.size)
    let operations = OperationProfile()

    var prefetching = PrefetchingBatches(startingEpochOf: batches)
    func timedStep() throws {
      if try step.run(prefetching) == nil {
        prefetching = PrefetchingBatches(startingEpochOf: prefetching.finish())
        _ = try step.run(prefetching)
      }
    }

    progress("warm-up")
    for _ in 0..<2 { try timedStep() }
    let flopsPerImage = trainingFLOPsPerImage(model)
    var roundTrips = [CoreRoundTrip.probe()]
    if profile { step.context.profile = operations }
    let communicatedBefore = communicator.secondsCommunicating
    let exposedBefore = step.exposedAllReduceSeconds
    let started = DispatchTime.now().uptimeNanoseconds
    for index in 0..<steps {
      progress("training step \(index + 1)/\(steps)")
      try timedStep()
    }
    let trainSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let communicated = communicator.secondsCommunicating - communicatedBefore
    let exposed = (step.exposedAllReduceSeconds - exposedBefore) / Double(steps)
    let peakRSS = peakResidentMegabytes()
    roundTrips.append(CoreRoundTrip.probe())
    let allReduce =
      communicator.size > 1 ? timeAllReduce(model.parameters, communicator, progress: progress) : nil

    let inference = Evaluator(batchSize: 1024, communicator: communicator)
    let inferenceImages = 1024 * inferenceBatches
    let indices = Array(0..<inferenceImages).map { $0 % data.test.count }
    progress("inference warm-up")
    // One batch per process: the evaluator shares whole batches out, and a single one would warm
    // up only the last process, leaving rank 0, which reports, to time its batches cold.
    let warmUp = Array(0..<(1024 * communicator.size)).map { $0 % data.test.count }
    _ = try inference.evaluate(model, data: data.test, indices: warmUp, normalization: .mnist)
    progress("inference, \(inferenceBatches) batches of 1024")
    let inferenceOperations = OperationProfile()
    if profile { inference.profile = inferenceOperations }
    let inferStart = DispatchTime.now().uptimeNanoseconds
    _ = try inference.evaluate(model, data: data.test, indices: indices, normalization: .mnist)
    let inferSeconds = Double(DispatchTime.now().uptimeNanoseconds - inferStart) / 1e9
    inference.profile = nil
    roundTrips.append(CoreRoundTrip.probe())
    // Under mpirun each process runs its share of the batches (see `Evaluator`).
    let inferenceBatchesHere = Shard(index: communicator.rank, count: communicator.size).slots(
      of: inferenceBatches
    ).count
    let executedFlopsPerImage = inferenceExecutedFLOPsPerImage(model)

    progress("the machine's peak: sgemm and memory copy")
    let peak = try MachinePeak.probe()

    let trainImagesPerS = Double(steps * config.batchSize) / trainSeconds
    var shares: [String: Double]?
    if profile {
      let measured = operations.seconds.values.reduce(0, +)
      shares = operations.seconds.mapValues { $0 / trainSeconds }
      shares?["other (loss, data, checks, framework)"] = max(0, trainSeconds - measured) / trainSeconds
    }
    let trainGflops = trainImagesPerS * flopsPerImage / 1e9
    // The images/s are the whole group's; every process probed its own share of the machine at
    // about the same time, so the group's peak is theirs added (this process's times their count).
    let groupSgemmGflops = peak.sgemmGflops * Double(communicator.size)
    var result = BenchmarkResult(
      model: config.model.rawValue, batchSize: config.batchSize, trainImagesPerS: trainImagesPerS,
      inferImagesPerS: Double(inferenceImages) / inferSeconds, trainGflops: trainGflops,
      peakRssMb: peakRSS, threads: config.threads, machine: .current(), profile: shares, peak: peak,
      modelFlopUtilisation: trainGflops / groupSgemmGflops,
      roofline: profile
        ? RooflineRow.rows(from: operations, steps: steps, stepSeconds: trainSeconds, peak: peak) : nil,
      inferenceRoofline: profile && inferenceBatchesHere > 0
        ? RooflineRow.rows(
          from: inferenceOperations, steps: inferenceBatchesHere, stepSeconds: inferSeconds, peak: peak)
        : nil,
      inferenceExecutedFlopsPerImage: executedFlopsPerImage,
      inferenceCeilingImagesPerS: groupSgemmGflops * 1e9 / executedFlopsPerImage)
    result.coreRoundTripNanoseconds = roundTrips.allSatisfy { $0 != nil } ? roundTrips.compactMap { $0 } : nil
    if let allReduce {
      let bytes = Double(model.parameters.count * MemoryLayout<Float>.stride)
      let ranks = Double(communicator.size)
      result.processes = communicator.size
      result.computeSecondsPerStep = (trainSeconds - communicated) / Double(steps)
      result.communicationSecondsPerStep = communicated / Double(steps)
      // What the step still waits for after backward, against the all-reduce alone.
      result.allReduceHiddenShare = max(0, 1 - exposed / allReduce)
      result.allReduceSeconds = allReduce
      result.allReduceBusGBPerS = 2 * (ranks - 1) / ranks * bytes / allReduce / 1e9
      result.gradientMegabytes = bytes / 1e6
    }
    return result
  }

  /// The median time of five all-reduces of the whole gradient arena, after one warm-up.
  private static func timeAllReduce(
    _ arena: ParameterArena, _ communicator: any Communicator, progress: (String) -> Void
  ) -> Double {
    progress("all-reduce of the gradients, 5 times")
    communicator.allReduceSum(arena.gradients, count: arena.count)
    let times = (0..<5).map { _ in
      let start = DispatchTime.now().uptimeNanoseconds
      communicator.allReduceSum(arena.gradients, count: arena.count)
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    return times.sorted()[2]
  }

  /// 3 × 2 × (multiply-adds of every conv and linear layer) per image, every kernel tap
  /// counted (padding included), as PyTorch's flop counter does.
  public static func trainingFLOPsPerImage(_ model: ResNet) -> Double {
    var macs = Double(model.fc.inputFeatures * model.fc.outputFeatures)
    for conv in model.convolutions {
      guard let g = conv.geometry else { continue }
      macs += Double(g.outHeight * g.outWidth * g.outChannels * g.columnWidth)
    }
    return 3 * 2 * macs
  }

  /// The same count for a fresh network of `architecture` and `stem` on one MNIST image: one
  /// forward pass at batch 1 gives every convolution its geometry.
  public static func trainingFLOPsPerImage(_ architecture: ResNetArchitecture, stem: ResNetStem) -> Double {
    let model = ResNet(architecture, classes: MNIST.classes, stem: stem)
    let side = 28
    let image = Tensor(
      [Float](repeating: 0, count: side * side), batch: 1, height: side, width: side, channels: 1)
    _ = model.forward(image, context: ExecutionContext(training: false))
    return trainingFLOPsPerImage(model)
  }

  /// 2 × the multiply-adds one image's forward pass computes, by the algorithms its last forward
  /// pass ran (`ConvGeometry.forwardMultiplyAdds`), the fc layer's included.
  public static func inferenceExecutedFLOPsPerImage(_ model: ResNet) -> Double {
    var macs = Double(model.fc.inputFeatures * model.fc.outputFeatures)
    for conv in model.convolutions {
      guard let g = conv.geometry else { continue }
      macs += Double(g.forwardMultiplyAdds) / Double(g.batch)
    }
    return 2 * macs
  }

  /// ru_maxrss: the largest resident set so far, in kilobytes on Linux.
  static func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }
}

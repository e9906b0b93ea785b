import DigitsModels
import DigitsTraining
import Testing

/// `digits experiment`'s estimate of the time its runs have left.
@Suite struct JobProgressTests {
  static let resnet34 = TrainingConfig(threads: 1).with(.resnet34)
  static let resnet50 = TrainingConfig(threads: 1).with(.resnet50)

  @Test func aResNet50RunWeighsMoreThanAResNet34One() {
    let ratio =
      Self.resnet50.trainingWork(images: 42_000, epochs: 10)
      / Self.resnet34.trainingWork(images: 42_000, epochs: 10)
    #expect(ratio > 1.1 && ratio < 2.5, "ResNet50 / ResNet34: \(ratio)")
    #expect(
      Self.resnet34.trainingWork(images: 2, epochs: 3) == 6 * Self.resnet34.trainingWork(images: 1, epochs: 1)
    )
  }

  @Test func theRestGoesAtTheTimedRunsSecondsPerFLOP() throws {
    let (small, large) = (
      Self.resnet34.trainingWork(images: 100, epochs: 1), Self.resnet50.trainingWork(images: 100, epochs: 1)
    )
    var progress = JobProgress(work: [small, large, 0, small])
    #expect(progress.position(run: 1) == "run 2/4")
    #expect(progress.secondsLeft(from: 0) == nil)
    #expect(progress.status(elapsed: 20, next: 0) == "under a minute elapsed, time left known after a run")
    progress.record(run: 0, seconds: 600)
    let left = try #require(progress.secondsLeft(from: 1))
    #expect(abs(left - 600 * (large + small) / small) < 1e-6 * left)
    #expect(try abs(#require(progress.secondsLeft(from: 3)) - 600) < 1e-9)
    #expect(progress.status(elapsed: 600, next: 3) == "10 min elapsed, about 10 min left")
    #expect(progress.status(elapsed: 1200, next: 4) == "20 min elapsed, no training left")
    var quick = JobProgress(work: [small, small])
    quick.record(run: 0, seconds: 10)
    #expect(quick.status(elapsed: 10, next: 1) == "under a minute elapsed, under a minute left")
    // A run that stopped at half its epochs did half its work in its time.
    var stopped = JobProgress(work: [small, small])
    stopped.record(run: 0, share: 0.5, seconds: 300)
    #expect(try abs(#require(stopped.secondsLeft(from: 1)) - 600) < 1e-9)
  }

  /// Runs that may stop early are expected to stop where the finished ones did on average; the
  /// others run all their epochs.
  @Test func earlyStoppingRunsAreExpectedToStopWhereTheOthersDid() throws {
    let run = Self.resnet34.trainingWork(images: 100, epochs: 10)
    var progress = JobProgress(work: [run, run, run, run], mayStopEarly: [true, true, true, false])
    progress.record(run: 0, share: 0.6, seconds: 60)
    // 60 s for 0.6 of a run: 100 s a run. Run 2 should do 0.6 of its work, run 3 all of it.
    #expect(try abs(#require(progress.secondsLeft(from: 2)) - 160) < 1e-9)
    progress.record(run: 1, share: 0.8, seconds: 80)
    #expect(try abs(#require(progress.secondsLeft(from: 2)) - 170) < 1e-9)
    let config = try JobProgress(
      runs: [Self.resnet34, TrainingConfig(protocol: .improved, threads: 1)], trainCount: 100,
      kept: [false, false])
    #expect(config.mayStopEarly == [true, false])
  }

  @Test func aJobsWorkIsEachRunsImagesTimesItsEpochs() throws {
    var short = Self.resnet34
    (short.epochs, short.trainLimit) = (2, 100)
    let progress = try JobProgress(
      runs: [Self.resnet34, Self.resnet50, short], trainCount: 1000, kept: [false, true, false])
    // 700 of 1,000 images train at the default validation ratio of 0.3.
    let perImageEpoch = Self.resnet34.trainingWork(images: 1, epochs: 1)
    #expect(progress.work.map { $0 / perImageEpoch } == [7000, 0, 200])
  }

  @Test func durationsReadInMinutes() {
    #expect(JobProgress.minutes(29) == "under a minute")
    #expect(JobProgress.minutes(41 * 60 + 10) == "41 min")
    #expect(JobProgress.minutes(125 * 60) == "2 h 05 min")
  }
}

extension TrainingConfig {
  fileprivate func with(_ model: ResNetArchitecture) -> TrainingConfig {
    var config = self
    config.model = model
    return config
  }
}

import DigitsKernels
import Testing

/// The core-to-core probe measures a round trip on two workers and none on one, which has no
/// second core to measure against.
@Suite struct CoreRoundTripTests {
  @Test(.enabled(if: Workers.available >= 2)) func twoWorkersMeasureARoundTrip() throws {
    let nanoseconds = try #require(Workers.run(2) { CoreRoundTrip.probe(trips: 200, repeats: 2) })
    // A line takes more than a few nanoseconds between cores: less would mean the two threads
    // never waited for each other. Tens to hundreds on an idle machine; with the other tests
    // taking the cores, a trip can wait for the partner's turn on one, hence the loose bound.
    #expect(nanoseconds > 5 && nanoseconds < 10_000_000)
  }

  @Test func oneWorkerHasNoRoundTrip() {
    #expect(Workers.run(1) { CoreRoundTrip.probe(trips: 100) } == nil)
  }
}

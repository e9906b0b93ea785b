import DigitsKernels
import Testing

/// The roofline's roof: a kernel of low arithmetic intensity is limited by the bandwidth, one of
/// high intensity by the sgemm rate, and the probe measures both on this machine.
@Suite struct MachinePeakTests {
  @Test func theRoofIsTheLowerOfTheTwoLimits() {
    let peak = MachinePeak(sgemmGflops: 200, bandwidthGBPerS: 20)
    #expect(peak.balance == 10)
    #expect(peak.attainableGflops(intensity: 2) == 40)
    #expect(peak.attainableGflops(intensity: 10) == 200)
    #expect(peak.attainableGflops(intensity: 50) == 200)
  }

  @Test func theProbeMeasuresBothLimits() throws {
    let peak = try Workers.run(1) { try MachinePeak.probe(repeats: 1) }
    // Any x86-64 CPU with AVX2 does more than 1 GFLOP/s on one core and copies faster than 0.5
    // GB/s; no single core reaches 10 TFLOP/s or 1 TB/s.
    #expect(peak.sgemmGflops > 1 && peak.sgemmGflops < 10_000)
    #expect(peak.bandwidthGBPerS > 0.5 && peak.bandwidthGBPerS < 1_000)
  }
}

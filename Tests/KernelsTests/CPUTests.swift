import Testing

@testable import DigitsKernels

#if canImport(Glibc)
  import Glibc
#endif

@Suite("The cores a process may use")
struct CPUTests {
  @Test func cpuListsCountEveryRangeAndSingleCPU() {
    #expect(CPU.countCPUs(list: "0-3,8,10-11") == 7)
    #expect(CPU.countCPUs(list: "5") == 1)
    #expect(CPU.countCPUs(list: "0-63") == 64)
  }

  @Test func malformedCPUListsCountNothing() {
    for list in ["", "3-1", "a", "0-", "1-2-3", ",,"] { #expect(CPU.countCPUs(list: list) == nil, "\(list)") }
  }

  @Test func theAllowedListIsReadFromTheStatusLine() {
    let status = "Name:\tdigits\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n"
    #expect(CPU.allowedCPUs(status: status) == 2)
    #expect(CPU.allowedCPUs(status: "Name:\tdigits\n") == nil)
  }

  @Test func quotasRoundUpToWholeCores() {
    #expect(CPU.quotaCores(quota: 100_000, period: 100_000) == 1)
    #expect(CPU.quotaCores(quota: 150_000, period: 100_000) == 2)
    #expect(CPU.quotaCores(quota: 50_000, period: 100_000) == 1)
    #expect(CPU.quotaCores(quota: -1, period: 100_000) == nil)
  }

  @Test func thisProcessMayUseAtLeastOneCoreAndNoMoreThanAreOnline() {
    #expect(CPU.usableCores >= 1)
    #expect(CPU.usableCores <= Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }
}

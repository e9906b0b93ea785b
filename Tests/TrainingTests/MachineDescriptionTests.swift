import DigitsTraining
import Testing

@Suite struct MachineDescriptionTests {
  /// Two processors as /proc/cpuinfo lists them: the first one's entry names the machine.
  static let cpuinfo = """
    processor\t: 0
    vendor_id\t: AuthenticAMD
    cpu family\t: 25
    model\t\t: 17
    model name\t: AMD EPYC 9B14
    flags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw avx512_bf16 sha_ni
    power management:

    processor\t: 1
    cpu family\t: 26
    model name\t: another CPU
    flags\t\t: fpu amx_tile

    """

  @Test func readsTheFirstProcessorsNameFamilyModelAndVectorUnits() throws {
    let machine = try #require(MachineDescription(cpuinfo: Self.cpuinfo, cpus: 2))
    #expect(machine.cpu == "AMD EPYC 9B14" && machine.family == 25 && machine.model == 17)
    #expect(machine.vectorExtensions == ["avx2", "fma", "avx512f", "avx512_bf16"])
    #expect(machine.summary == "AMD EPYC 9B14, family 25 model 17, avx2 fma avx512f avx512_bf16, 2 CPUs")
  }

  @Test func aCPUInfoWithoutAModelNameDescribesNothing() {
    #expect(MachineDescription(cpuinfo: "processor\t: 0\nBogoMIPS\t: 50.00\n", cpus: 1) == nil)
    #expect(MachineDescription(cpuinfo: "", cpus: 1) == nil)
  }

  @Test func aMachineWithoutFamilyOrFlagsStillReadsAsOneLine() throws {
    let machine = try #require(MachineDescription(cpuinfo: "model name\t: Some CPU\n", cpus: 1))
    #expect(machine.summary == "Some CPU, 1 CPU")
  }
}

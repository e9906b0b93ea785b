// swift-tools-version: 6.1
import PackageDescription

/// AVX2 and FMA (x86-64 server CPUs since 2013; the machines this runs on have both), so that
/// LLVM vectorises the element-wise loops 8 floats wide instead of SSE2's 4 or none. LLVM does
/// not contract a·b + c into FMAs unasked, so results are the same as without the flag.
#if arch(x86_64)
  let vectorUnits: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
  let vectorUnits: [SwiftSetting] = []
#endif

/// Release builds of the numeric layers drop bounds checks: the kernels work on raw
/// pointers whose extents are checked once per call, and the parity tests run on debug builds.
/// On Linux, Float.squareRoot() is the C shim's __builtin_sqrtf, which keeps sqrtf's errno
/// and so a scalar call LLVM cannot vectorise; without errno it is llvm.sqrt (vsqrtps), the
/// same correctly rounded result.
let fastMath: [SwiftSetting] =
  [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
  ] + vectorUnits

/// The kernels are optimised in debug builds too (bounds checks kept), so the test suite can
/// train small networks in seconds rather than minutes.
let optimisedKernels: [SwiftSetting] = fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "digits",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "digits", targets: ["digits"]),
    // `import DigitsKit`: classify, train and evaluate from Swift (see Examples/).
    .library(name: "DigitsKit", targets: ["DigitsKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // Only `digits serve` uses it; its optional swift-configuration support is left out.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // MARK: C libraries (Debian's libopenblas-dev, zlib1g-dev and libstb-dev)
    .systemLibrary(name: "CDigitsBLAS", path: "Sources/CDigitsBLAS"),
    .systemLibrary(name: "CDigitsZlib", path: "Sources/CDigitsZlib"),
    // The stb headers are compiled in rather than linked (see Sources/CDigitsStbImage/stb_image.c),
    // optimised in debug builds too: at -O0 its PNG encoder alone takes seconds of the tests.
    .target(name: "CDigitsStbImage", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),

    // MARK: Numeric layers
    // smallGemm's AVX-512 block, in C: Swift cannot ask for 512-bit registers in one function of a
    // module built for AVX2; it runs only where the CPU says it has AVX-512F.
    .target(name: "CDigitsAVX512", cSettings: [.unsafeFlags(["-O2"])]),
    .target(
      name: "DigitsKernels", dependencies: ["CDigitsBLAS", "CDigitsAVX512"], swiftSettings: optimisedKernels),
    .target(name: "DigitsNN", dependencies: ["DigitsKernels"], swiftSettings: fastMath),
    // DigitsData for the input normalisation a saved Classifier carries.
    .target(name: "DigitsModels", dependencies: ["DigitsNN", "DigitsData"], swiftSettings: fastMath),

    // MARK: Data and training
    .target(name: "DigitsData", dependencies: ["CDigitsZlib"], swiftSettings: fastMath),
    // The protobuf wire format, for TensorBoard's event files and ONNX models.
    .target(name: "DigitsProtobuf"),
    .target(
      name: "DigitsTraining", dependencies: ["DigitsModels", "DigitsData", "DigitsProtobuf"],
      swiftSettings: fastMath),
    // REPORT.md, APPENDIX.md, results.json and the figures of finished runs: a target of its own so
    // that training neither compiles nor tests how its results are presented.
    .target(name: "DigitsReport", dependencies: ["DigitsTraining"]),
    // Decoding and MNIST-style preprocessing of user images: its own target so that training and
    // its tests neither compile nor link an image decoder.
    .target(
      name: "DigitsImaging", dependencies: ["CDigitsStbImage", "DigitsData"], swiftSettings: optimisedKernels),

    // ONNX export of trained classifiers, with its own small protobuf encoder: a target of its own
    // so that training neither compiles nor tests a serialisation format it does not use, and
    // export builds without the training code.
    .target(
      name: "DigitsExport", dependencies: ["DigitsModels", "DigitsData", "DigitsNN", "DigitsProtobuf"]),

    // Data-parallel training on Open MPI, which it loads at run time (no build dependency).
    .target(name: "DigitsDistributed", dependencies: ["DigitsNN"]),

    // MARK: The library's one module: re-exports the layers above and adds DigitRecognizer.
    .target(
      name: "DigitsKit",
      dependencies: ["DigitsTraining", "DigitsReport", "DigitsImaging", "DigitsExport", "DigitsDistributed"],
      swiftSettings: fastMath),

    // MARK: Web server (`digits serve`): its own target so the numeric and training layers
    // build and test without SwiftNIO.
    .target(
      name: "DigitsWeb",
      dependencies: [
        "DigitsKit", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // MARK: Command line
    .executableTarget(
      name: "digits",
      dependencies: [
        "DigitsKit",
        "DigitsWeb",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Tests
    .target(name: "TestSupport", dependencies: ["DigitsNN", "DigitsData"], path: "Tests/TestSupport"),
    .testTarget(name: "KernelsTests", dependencies: ["DigitsKernels", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["DigitsNN", "TestSupport"]),
    .testTarget(name: "ModelsTests", dependencies: ["DigitsModels", "TestSupport"]),
    // "digits" so that the CLI's ensemble evaluation can be compared with the library's.
    .testTarget(name: "DigitsKitTests", dependencies: ["DigitsKit", "TestSupport", "digits"]),
    .testTarget(name: "DataTests", dependencies: ["DigitsData", "TestSupport"]),
    // "digits" so that `digits export` can be compared with the library's export; CZlib for the
    // CRC-32 that identifies the exported bytes ONNX Runtime ran.
    .testTarget(
      name: "ExportTests",
      dependencies: [
        "DigitsExport", "DigitsModels", "DigitsProtobuf", "TestSupport", "CDigitsZlib", "digits",
      ]),
    // CZlib: the tests write the PNG variants stb_image_write cannot (16-bit, palette) by hand.
    .testTarget(name: "ImagingTests", dependencies: ["DigitsImaging", "TestSupport", "CDigitsZlib"]),
    // "digits" so that building the tests also links the executable the CLI tests run.
    // DigitsReport: the recipe tests check how a report names each setting a run changes.
    .testTarget(
      name: "TrainingTests",
      dependencies: ["DigitsTraining", "DigitsReport", "DigitsImaging", "TestSupport", "digits"]),
    // The report on runs made up in memory, and on tiny real ones for its ensembles and commands;
    // "digits" so that the commands the report prints can be run.
    .testTarget(
      name: "ReportTests", dependencies: ["DigitsReport", "DigitsImaging", "TestSupport", "digits"]),
    // `digits train` under mpirun (Open MPI), as processes.
    .testTarget(
      name: "DistributedTests",
      dependencies: ["DigitsDistributed", "DigitsData", "DigitsKernels", "DigitsNN", "TestSupport", "digits"]),
    // `digits serve` as a process, over real HTTP on loopback and in headless Chromium.
    .testTarget(name: "ServerTests", dependencies: ["DigitsImaging", "DigitsData", "TestSupport", "digits"]),
  ],
  // Kernels share raw buffers across worker threads by design (disjoint ranges); language
  // mode 5 keeps that explicit without wrapping every pointer in a Sendable box.
  swiftLanguageModes: [.v5]
)

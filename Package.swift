// swift-tools-version: 6.0
import PackageDescription

/// Release builds of the numeric layers drop bounds checks: the kernels work on raw
/// pointers whose extents are checked once per call, and the parity tests run on debug builds.
let fastMath: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

/// The kernels are optimised in debug builds too (bounds checks kept), so the test suite can
/// train small networks in seconds rather than minutes.
let optimisedKernels: [SwiftSetting] = fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "digits",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "digits", targets: ["digits"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: C libraries (Debian's libopenblas-dev and zlib1g-dev), through module maps
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

    // MARK: Numeric layers
    .target(name: "Kernels", dependencies: ["CBLAS"], swiftSettings: optimisedKernels),
    .target(name: "NN", dependencies: ["Kernels"], swiftSettings: fastMath),
    .target(name: "Models", dependencies: ["NN"], swiftSettings: fastMath),

    // MARK: Data and training
    .target(name: "Data", dependencies: ["CZlib"], swiftSettings: fastMath),
    .target(name: "Training", dependencies: ["Models", "Data"], swiftSettings: fastMath),

    // MARK: Command line
    .executableTarget(
      name: "digits",
      dependencies: [
        "Training",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Tests
    .target(name: "TestSupport", dependencies: ["NN", "Data"], path: "Tests/TestSupport"),
    .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
    .testTarget(name: "ModelsTests", dependencies: ["Models", "TestSupport"]),
    .testTarget(name: "DataTests", dependencies: ["Data", "TestSupport"]),
    // "digits" so that building the tests also links the executable the CLI tests run.
    .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport", "digits"]),
  ],
  // Kernels share raw buffers across worker threads by design (disjoint ranges); language
  // mode 5 keeps that explicit without wrapping every pointer in a Sendable box.
  swiftLanguageModes: [.v5]
)

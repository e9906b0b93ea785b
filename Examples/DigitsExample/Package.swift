// swift-tools-version: 6.1
// A program that uses digits as a library: `swift run` here trains a small model and reads a digit.
import PackageDescription

let package = Package(
  name: "DigitsExample",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "digits", path: "../..")],
  targets: [
    .executableTarget(name: "DigitsExample", dependencies: [.product(name: "DigitsKit", package: "digits")])
  ]
)

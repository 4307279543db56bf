// swift-tools-version: 6.1
// Benchmarks for RiskEngine (ordo-one package-benchmark). Run from this folder:
//   swift package --disable-sandbox benchmark
// Kept as a separate package so the main package's tests do not build the benchmark tooling.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts.
let engine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "RiskEngineBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Scoring",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RiskBatch", package: engine),
                .product(name: "RiskModels", package: engine),
                .product(name: "RiskAlerts", package: engine),
                .product(name: "RiskCore", package: engine),
                .product(name: "RiskLinearAlgebra", package: engine),
            ],
            path: "Benchmarks/Scoring",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "Fitting",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RiskBatch", package: engine),
                .product(name: "RiskFitting", package: engine),
            ],
            path: "Benchmarks/Fitting",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "Alerts",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RiskAlerts", package: engine),
                .product(name: "RiskBatch", package: engine),
                .product(name: "RiskCore", package: engine),
            ],
            path: "Benchmarks/Alerts",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "Validation",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RiskValidation", package: engine),
                .product(name: "RiskCore", package: engine),
            ],
            path: "Benchmarks/Validation",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Times Harrell's C in process for compare_concordance.sh (peers: R survival, lifelines).
        .executableTarget(
            name: "ConcordanceTiming",
            dependencies: [.product(name: "RiskValidation", package: engine)],
            path: "Sources/ConcordanceTiming"
        ),
    ]
)

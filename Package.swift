// swift-tools-version: 6.1
import PackageDescription

// Dependencies flow one way:
// CLAPACKE → RiskLinearAlgebra → RiskCore → RiskModels → RiskAlerts → RiskBatch → riskengine
let package = Package(
    name: "RiskEngine",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "riskengine", targets: ["riskengine"]),
        .library(name: "RiskLinearAlgebra", targets: ["RiskLinearAlgebra"]),
        .library(name: "RiskCore", targets: ["RiskCore"]),
        .library(name: "RiskModels", targets: ["RiskModels"]),
        .library(name: "RiskAlerts", targets: ["RiskAlerts"]),
        .library(name: "RiskBatch", targets: ["RiskBatch"]),
        .library(name: "RiskFitting", targets: ["RiskFitting"]),
        .library(name: "RiskValidation", targets: ["RiskValidation"]),
        .library(name: "RiskRecalibration", targets: ["RiskRecalibration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
    ],
    targets: [
        // MARK: C, behind one system-library target
        .systemLibrary(
            name: "CLAPACKE",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),

        // MARK: Numerics
        .target(name: "RiskLinearAlgebra", dependencies: ["CLAPACKE"]),

        // MARK: Domain
        .target(name: "RiskCore"),
        .executableTarget(name: "ModelEmbedder"),
        .plugin(name: "EmbedModels", capability: .buildTool(), dependencies: ["ModelEmbedder"]),
        .target(name: "RiskModelCatalog", plugins: ["EmbedModels"]),
        .target(
            name: "RiskModels",
            dependencies: ["RiskLinearAlgebra", "RiskCore", "RiskModelCatalog"]
        ),
        .target(
            name: "RiskAlerts",
            dependencies: ["RiskLinearAlgebra", "RiskCore", "RiskModels", "RiskModelCatalog"]
        ),
        .target(name: "RiskReport", dependencies: ["RiskCore"], exclude: ["README.md"]),
        .target(name: "RiskFitting", dependencies: ["RiskLinearAlgebra", "RiskCore"], exclude: ["README.md"]),

        // MARK: Research: validation of predictions on cohorts
        // RiskFitting: the refits of the bootstrap optimism correction (Optimism.swift).
        .target(name: "RiskValidation", dependencies: ["RiskLinearAlgebra", "RiskCore", "RiskFitting"], exclude: ["README.md"]),

        // MARK: Research: recalibration of model files to local data
        .target(
            name: "RiskRecalibration",
            dependencies: ["RiskModels", "RiskValidation", "RiskBatch", "RiskCore", "RiskAlerts"]
        ),

        // MARK: Batch pipeline and CLI
        .target(name: "RiskImport", dependencies: ["RiskCore", "RiskModelCatalog"], exclude: ["README.md"]),
        .target(
            name: "RiskBatch",
            dependencies: [
                "RiskLinearAlgebra", "RiskCore", "RiskModels", "RiskAlerts", "RiskImport", "RiskModelCatalog", "RiskFitting",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "riskengine",
            dependencies: [
                "RiskBatch", "RiskModels", "RiskAlerts", "RiskCore", "RiskImport", "RiskReport", "RiskLinearAlgebra", "RiskFitting", "RiskValidation", "RiskRecalibration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests
        .target(
            name: "RiskTestSupport",
            dependencies: ["RiskCore", .product(name: "Numerics", package: "swift-numerics")],
            path: "Tests/RiskTestSupport"
        ),
        .testTarget(
            name: "RiskLinearAlgebraTests",
            dependencies: ["RiskLinearAlgebra", "RiskTestSupport"]
        ),
        .testTarget(
            name: "RiskCoreTests",
            dependencies: ["RiskCore", "RiskTestSupport"]
        ),
        .testTarget(
            name: "RiskAlertsTests",
            dependencies: ["RiskAlerts", "RiskCore", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RiskModelsTests",
            dependencies: ["RiskModels", "RiskCore", "RiskModelCatalog", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RiskBatchTests",
            dependencies: ["RiskBatch", "RiskAlerts", "RiskModels", "RiskCore", "RiskLinearAlgebra", "RiskFitting", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RiskFittingTests",
            dependencies: ["RiskFitting", "RiskLinearAlgebra", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RiskImportTests",
            dependencies: ["RiskImport", "RiskCore", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RiskReportTests", dependencies: ["RiskReport"]),
        .testTarget(
            name: "RiskValidationTests",
            dependencies: ["RiskValidation", "RiskFitting", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RiskRecalibrationTests",
            dependencies: ["RiskRecalibration", "RiskModels", "RiskBatch", "RiskAlerts", "RiskValidation", "RiskCore", "RiskTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EndToEndTests",
            // Runs the built executable (not imported): the dependency makes the build produce it first.
            dependencies: ["riskengine", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

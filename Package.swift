// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features every target turns on (the Hummingbird habit).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Seleksi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "seleksi", targets: ["seleksi"]),
        .library(name: "SeleksiCore", targets: ["SeleksiCore"]),
        .library(name: "ExamEngine", targets: ["ExamEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // Value types both services share: formation types, subtests, score sheets.
        .target(
            name: "SeleksiCore",
            swiftSettings: swiftSettings
        ),
        // Pure exam rules: banks and their loaders, rule sets, paper assembly, scoring.
        .target(
            name: "ExamEngine",
            dependencies: [
                "SeleksiCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line, as a library so that tests can run its commands.
        .target(
            name: "SeleksiCommands",
            dependencies: [
                "SeleksiCore",
                "ExamEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "seleksi",
            dependencies: ["SeleksiCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeleksiCoreTests",
            dependencies: ["SeleksiCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExamEngineTests",
            dependencies: [
                "ExamEngine",
                "SeleksiCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeleksiCommandsTests",
            dependencies: ["SeleksiCommands", "ExamEngine", "SeleksiCore"],
            swiftSettings: swiftSettings
        ),
    ]
)

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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
    ],
    targets: [
        // Value types both services share: formation types, subtests, score sheets.
        .target(
            name: "SeleksiCore",
            dependencies: [.product(name: "SwiftCSV", package: "SwiftCSV"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Pure exam rules: banks and their loaders, rule sets, paper assembly, scoring.
        .target(
            name: "ExamEngine",
            dependencies: [
                "SeleksiCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Zipped QTI content packages, read as they come.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both services' HTTP edges share: TLS set-up, the redirect, security headers, the error body.
        .target(
            name: "SeleksiHTTP",
            dependencies: [
                "SeleksiCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both stores share on SQLite: group commit and the checkpointer.
        .target(
            name: "SeleksiStorage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Sign-in pieces both services share: secret tokens, generated passwords, TOTP
        // codes and bcrypt off the event loops.
        .target(
            name: "SeleksiAuth",
            dependencies: [
                "SeleksiCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure selection rules: SKD ranking into the SKB shortlist, result codes, the tables they
        // read, and announcements (versioned snapshots with chained digests).
        .target(
            name: "Selection",
            dependencies: ["ExamEngine", "SeleksiCore", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The exam service a venue runs: its store, sessions, clock, answers, HTTP routes and pages.
        .target(
            name: "ExamNode",
            dependencies: [
                "ExamEngine",
                "SeleksiAuth",
                "SeleksiCore",
                "SeleksiHTTP",
                "SeleksiStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                // The node's link to the portal (rosters in, results out), over HTTPS.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Web"), .copy("openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The portal's domain and its store: periods, accounts, formations, applications,
        // documents, verification, objections, participant numbers and exam cards.
        .target(
            name: "Registration",
            dependencies: [
                "ExamEngine",
                "Selection",
                "SeleksiAuth",
                "SeleksiCore",
                "SeleksiStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The portal's HTTP edge: JSON API, server-rendered pages, sessions and CSRF.
        .target(
            name: "Portal",
            dependencies: [
                "Registration",
                "Selection",
                "SeleksiAuth",
                "SeleksiStorage",
                "SeleksiCore",
                "SeleksiHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                // A portal stopping ends its open event streams (readers reconnect), so it can stop.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Templates"), .copy("Static"), .copy("openapi.json")],
            swiftSettings: swiftSettings
        ),
        // The load generators of `seleksi bench exam|portal`: a lean NIO HTTPS client and
        // the phases they measure; the command line only parses their options.
        .target(
            name: "SeleksiBench",
            dependencies: [
                "SeleksiCore",
                "SeleksiAuth",
                "ExamNode",
                "Registration",
                "Selection",
                "ExamEngine",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line, as a library so that tests can run its commands.
        .target(
            name: "SeleksiCommands",
            dependencies: [
                "SeleksiCore",
                "ExamEngine",
                "ExamNode",
                "Registration",
                "Portal",
                "SeleksiAuth",
                "SeleksiBench",
                "Selection",
                "SeleksiHTTP",
                "SeleksiStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
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
            dependencies: ["SeleksiCore", .product(name: "PropertyBased", package: "swift-property-based")],
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
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExamNodeTests",
            dependencies: [
                "ExamNode",
                "ExamEngine",
                "SeleksiAuth",
                "SeleksiCore",
                "SeleksiStorage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests that start the real `seleksi` process (and a browser where one is installed).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ExamNode", "Portal", "Registration", "SeleksiAuth", "SeleksiCommands", "SeleksiCore", "Selection",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelectionTests",
            dependencies: ["Selection", "ExamEngine", "SeleksiCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegistrationTests",
            dependencies: ["Registration", "SeleksiCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortalTests",
            dependencies: [
                "Portal",
                "Registration",
                "SeleksiCore",
                "SeleksiHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeleksiCommandsTests",
            dependencies: [
                "SeleksiCommands", "ExamEngine", "ExamNode", "SeleksiCore", "Registration", "Portal", "SeleksiStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode (strict concurrency checking) and the
/// upcoming features the codebase is written against.
let sharedSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "SupportPlatform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "protoc-gen-support", targets: ["ProtocGenSupport"])
    ],
    targets: [
        // Shared layers, lowest first.
        .target(name: "Wire", path: "Shared/Wire", swiftSettings: sharedSettings),
        .target(name: "CodeGen", dependencies: ["Wire"], path: "Shared/CodeGen", swiftSettings: sharedSettings),
        .executableTarget(
            name: "ProtocGenSupport", dependencies: ["CodeGen"], path: "Shared/ProtocGenSupport",
            swiftSettings: sharedSettings),

        // Tests.
        .target(
            name: "WireFixtures", dependencies: ["Wire"], path: "Tests/WireFixtures", swiftSettings: sharedSettings),
        .testTarget(
            name: "WireTests", dependencies: ["Wire", "WireFixtures"], path: "Tests/WireTests",
            swiftSettings: sharedSettings),
        .testTarget(
            name: "CodeGenTests", dependencies: ["CodeGen"], path: "Tests/CodeGenTests", swiftSettings: sharedSettings),
    ]
)

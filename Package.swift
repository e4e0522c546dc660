// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode (strict concurrency checking) and the
/// upcoming features the codebase is written against.
let sharedSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A library target with the shared settings.
func library(_ name: String, _ path: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: path, swiftSettings: sharedSettings)
}

/// A test target with the shared settings.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, path: "Tests/\(name)", swiftSettings: sharedSettings)
}

/// The generated contract of one service: messages, method descriptors, client, server protocol.
func contract(_ service: String) -> Target {
    library("\(service)API", "Services/\(service)/\(service)API", ["Wire", "RPC", "CommonAPI"])
}

let package = Package(
    name: "SupportPlatform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "protoc-gen-support", targets: ["ProtocGenSupport"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "RPC", targets: ["RPC"]),
        .library(name: "CommonAPI", targets: ["CommonAPI"]),
        .library(name: "OrdersAPI", targets: ["OrdersAPI"]),
    ],
    targets: [
        // Shared layers, lowest first.
        library("Wire", "Shared/Wire"),
        library("RPC", "Shared/RPC", ["Wire"]),
        library("CodeGen", "Shared/CodeGen", ["Wire"]),
        .executableTarget(
            name: "ProtocGenSupport", dependencies: ["CodeGen"], path: "Shared/ProtocGenSupport",
            swiftSettings: sharedSettings),

        // Generated contracts.
        library("CommonAPI", "Shared/CommonAPI", ["Wire"]),
        library("InteropAPI", "Shared/InteropAPI", ["Wire", "RPC"]),
        contract("Orders"),
        contract("Returns"),
        contract("Refunds"),
        contract("Inquiries"),
        contract("Oversight"),

        // gRPC's interop TestService.
        library("Interop", "Shared/Interop", ["Wire", "RPC", "InteropAPI"]),

        // Tests.
        library("WireFixtures", "Tests/WireFixtures", ["Wire"]),
        tests("WireTests", ["Wire", "WireFixtures"]),
        tests("CodeGenTests", ["CodeGen", "Wire"]),
        tests("RPCTests", ["RPC", "Wire", "InteropAPI", "Interop"]),
    ]
)

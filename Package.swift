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
        .executable(name: "interop-server", targets: ["InteropServer"]),
        .executable(name: "storage-writer", targets: ["StorageWriter"]),
        .executable(name: "supportctl", targets: ["SupportCtl"]),
        .executable(name: "orders", targets: ["OrdersServer"]),
        .executable(name: "refunds", targets: ["RefundsServer"]),
        .executable(name: "returns", targets: ["ReturnsServer"]),
        .executable(name: "oversight", targets: ["OversightServer"]),
        .executable(name: "inquiries", targets: ["InquiriesServer"]),
        .library(name: "OversightService", targets: ["OversightService"]),
        .library(name: "OversightAPI", targets: ["OversightAPI"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "RPC", targets: ["RPC"]),
        .library(name: "HTTP2", targets: ["HTTP2"]),
        .library(name: "CommonAPI", targets: ["CommonAPI"]),
        .library(name: "OrdersAPI", targets: ["OrdersAPI"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "OrdersService", targets: ["OrdersService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries (Debian's libnghttp2-dev, libssl-dev, zlib1g-dev); only HTTP2 uses them.
        .systemLibrary(
            name: "CNGHTTP2", path: "Shared/CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Shared layers, lowest first.
        library("Wire", "Shared/Wire"),
        library("RPC", "Shared/RPC", ["Wire"]),
        library(
            "HTTP2", "Shared/HTTP2",
            [
                "RPC", "Wire", "CNGHTTP2", "COpenSSL", "CZlib", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        library("CodeGen", "Shared/CodeGen", ["Wire"]),
        .executableTarget(
            name: "ProtocGenSupport", dependencies: ["CodeGen"], path: "Shared/ProtocGenSupport",
            swiftSettings: sharedSettings),

        // Generated contracts.
        library("CommonAPI", "Shared/CommonAPI", ["Wire", "RPC"]),
        library("InteropAPI", "Shared/InteropAPI", ["Wire", "RPC"]),
        library("HealthAPI", "Shared/HealthAPI", ["Wire", "RPC"]),
        library("ReflectionV1API", "Shared/ReflectionV1API", ["Wire", "RPC"]),
        library("ReflectionV1AlphaAPI", "Shared/ReflectionV1AlphaAPI", ["Wire", "RPC"]),
        contract("Orders"),
        contract("Returns"),
        contract("Refunds"),
        contract("Inquiries"),
        contract("Oversight"),

        // The one official policy and the domain values every service shares (money, rules, actors).
        library("SupportPolicy", "Shared/SupportPolicy"),

        // Orders: domain (pure), service (handlers, store), executable.
        library("OrdersDomain", "Services/Orders/OrdersDomain", ["SupportPolicy"]),
        library(
            "OrdersService", "Services/Orders/OrdersService",
            [
                "OrdersDomain", "OrdersAPI", "CommonAPI", "OversightAPI", "SupportPolicy", "Runtime", "RPC", "Wire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "OrdersServer", dependencies: ["OrdersService", "OrdersAPI", "Runtime"],
            path: "Services/Orders/OrdersServer", swiftSettings: sharedSettings),

        // Returns and Refunds: domains (pure), services, executables.
        library("ReturnsDomain", "Services/Returns/ReturnsDomain", ["SupportPolicy"]),
        library("RefundsDomain", "Services/Refunds/RefundsDomain", ["SupportPolicy"]),
        library(
            "ReturnsService", "Services/Returns/ReturnsService",
            [
                "ReturnsDomain", "ReturnsAPI", "RefundsAPI", "OrdersAPI", "CommonAPI", "OversightAPI", "SupportPolicy",
                "Runtime", "RPC", "Wire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ReturnsServer", dependencies: ["ReturnsService", "Runtime"], path: "Services/Returns/ReturnsServer",
            swiftSettings: sharedSettings),
        library(
            "RefundsService", "Services/Refunds/RefundsService",
            [
                "RefundsDomain", "RefundsAPI", "OrdersAPI", "CommonAPI", "OversightAPI", "SupportPolicy", "Runtime",
                "RPC",
                "Wire", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "RefundsServer", dependencies: ["RefundsService", "Runtime"], path: "Services/Refunds/RefundsServer",
            swiftSettings: sharedSettings),

        // Oversight and Inquiries.
        library(
            "OversightDomain", "Services/Oversight/OversightDomain",
            ["SupportPolicy", .product(name: "Crypto", package: "swift-crypto")]),
        library("InquiriesDomain", "Services/Inquiries/InquiriesDomain", ["SupportPolicy"]),
        library(
            "InquiriesService", "Services/Inquiries/InquiriesService",
            [
                "InquiriesDomain", "InquiriesAPI", "CommonAPI", "OversightAPI", "SupportPolicy", "Runtime", "RPC",
                "Wire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "InquiriesServer", dependencies: ["InquiriesService", "Runtime"],
            path: "Services/Inquiries/InquiriesServer", swiftSettings: sharedSettings),
        library(
            "OversightService", "Services/Oversight/OversightService",
            [
                "OversightDomain", "OversightAPI", "CommonAPI", "InquiriesAPI", "SupportPolicy", "Runtime", "RPC",
                "Wire", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "OversightServer", dependencies: ["OversightService", "Runtime"],
            path: "Services/Oversight/OversightServer", swiftSettings: sharedSettings),

        // The standard services every server runs: health checking and server reflection.
        library(
            "GRPCServices", "Shared/GRPCServices",
            ["Wire", "RPC", "HealthAPI", "ReflectionV1API", "ReflectionV1AlphaAPI"]),

        // What every service process shares: configuration, lifecycle, identity and access, storage,
        // idempotency, the outbox and its delivery to Oversight, logs, metrics and trace context.
        library(
            "Runtime", "Shared/Runtime",
            [
                "RPC", "Wire", "HTTP2", "GRPCServices", "HealthAPI", "CommonAPI", "OversightAPI", "SupportPolicy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // gRPC's interop TestService, and a server for the interop tests.
        library("Interop", "Shared/Interop", ["Wire", "RPC", "InteropAPI"]),
        .executableTarget(
            name: "InteropServer", dependencies: ["Interop", "InteropAPI", "Runtime"],
            path: "Shared/InteropServer",
            swiftSettings: sharedSettings),

        // supportctl: the command-line client for agents and ops.
        .executableTarget(
            name: "SupportCtl",
            dependencies: [
                "Runtime", "RPC", "Wire", "HTTP2", "HealthAPI", "CommonAPI", "SupportPolicy", "OrdersAPI", "ReturnsAPI",
                "RefundsAPI", "InquiriesAPI", "OversightAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/SupportCtl", swiftSettings: sharedSettings),

        // Tests.
        library("TestSupport", "Tests/TestSupport", ["RPC"]),
        .executableTarget(
            name: "StorageWriter", dependencies: ["Runtime", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/StorageWriter", swiftSettings: sharedSettings),
        tests(
            "ProcessTests",
            [
                "TestSupport", "Runtime", "HTTP2", "RPC", "Wire", "HealthAPI", "InteropAPI", "CommonAPI", "OrdersAPI",
                "RefundsAPI", "ReturnsAPI",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        library("WireFixtures", "Tests/WireFixtures", ["Wire"]),
        tests("WireTests", ["Wire", "WireFixtures"]),
        tests("CodeGenTests", ["CodeGen", "Wire"]),
        tests("RPCTests", ["RPC", "Wire", "InteropAPI", "Interop"]),
        tests(
            "RuntimeTests",
            [
                "Runtime", "RPC", "Wire", "HTTP2", "InteropAPI", "Interop", "OversightAPI", "CommonAPI",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        tests("OrdersDomainTests", ["OrdersDomain", "SupportPolicy"]),
        tests("ReturnsDomainTests", ["ReturnsDomain", "SupportPolicy"]),
        tests("RefundsDomainTests", ["RefundsDomain", "SupportPolicy"]),
        tests("OversightDomainTests", ["OversightDomain", "SupportPolicy"]),
        tests("InquiriesDomainTests", ["InquiriesDomain", "SupportPolicy"]),
        tests(
            "InquiriesServiceTests",
            [
                "InquiriesService", "InquiriesAPI", "CommonAPI", "Runtime", "RPC", "Wire",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "OversightServiceTests",
            [
                "TestSupport",
                "OversightService", "OversightAPI", "OversightDomain", "CommonAPI", "Runtime", "RPC", "Wire", "HTTP2",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "PostPurchaseTests",
            [
                "TestSupport",
                "OrdersService", "RefundsService", "ReturnsService", "OrdersAPI", "RefundsAPI", "ReturnsAPI",
                "CommonAPI",
                "OversightAPI", "Runtime", "RPC", "Wire", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "OrdersServiceTests",
            [
                "TestSupport",
                "OrdersService", "OrdersAPI", "CommonAPI", "OversightAPI", "Runtime", "RPC", "Wire",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "HTTP2Tests",
            [
                "HTTP2", "RPC", "Wire", "InteropAPI", "Interop", "CNGHTTP2", "GRPCServices", "HealthAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode (strict concurrency checking) and the
/// upcoming features the codebase is written against. `NonisolatedNonsendingByDefault`: a
/// nonisolated async function runs where its caller runs instead of hopping to the generic
/// executor, so a call's handler task (on its event loop) no longer asks the runtime for its
/// preferred executor at every async function it enters (23 executor switches per
/// `GetOrderStatus` before, 12 after; no actor in the services, so nothing else changes).
let sharedSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// A library target with the shared settings; `exclude` names files in it that are not sources
/// (design notes).
func library(
    _ name: String, _ path: String, _ dependencies: [Target.Dependency] = [], exclude: [String] = []
) -> Target {
    .target(name: name, dependencies: dependencies, path: path, exclude: exclude, swiftSettings: sharedSettings)
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
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Outbox", targets: ["Outbox"]),
        .library(name: "OrdersService", targets: ["OrdersService"]),
        .executable(name: "console", targets: ["ConsoleServer"]),
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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries (Debian's libnghttp2-dev, libssl-dev, zlib1g-dev); only HTTP2 uses them.
        .systemLibrary(
            name: "CNGHTTP2", path: "Shared/CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Shared/CMalloc"),

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
            ], exclude: ["DESIGN.md"]),
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
                "Storage", "Outbox",
                "OrdersDomain", "OrdersAPI", "CommonAPI", "SupportPolicy", "Runtime", "RPC", "Wire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "OrdersServer", dependencies: ["OversightDelivery", "OrdersService", "OrdersAPI", "Runtime"],
            path: "Services/Orders/OrdersServer", swiftSettings: sharedSettings),

        // How Returns and Refunds ask Orders for an order's facts.
        library("OrdersLookup", "Services/Orders/OrdersLookup", ["OrdersAPI", "RPC", "Wire"]),

        // Returns and Refunds: domains (pure), services, executables.
        library("ReturnsDomain", "Services/Returns/ReturnsDomain", ["SupportPolicy"]),
        library("RefundsDomain", "Services/Refunds/RefundsDomain", ["SupportPolicy"]),
        library(
            "ReturnsService", "Services/Returns/ReturnsService",
            [
                "OrdersLookup", "Storage", "Outbox",
                "ReturnsDomain", "ReturnsAPI", "RefundsAPI", "OrdersAPI", "CommonAPI", "SupportPolicy",
                "Runtime", "RPC", "Wire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ReturnsServer", dependencies: ["OversightDelivery", "ReturnsService", "Runtime"],
            path: "Services/Returns/ReturnsServer",
            swiftSettings: sharedSettings),
        library(
            "RefundsService", "Services/Refunds/RefundsService",
            [
                "OrdersLookup", "Storage", "Outbox",
                "RefundsDomain", "RefundsAPI", "OrdersAPI", "CommonAPI", "SupportPolicy", "Runtime",
                "RPC",
                "Wire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .executableTarget(
            name: "RefundsServer", dependencies: ["OversightDelivery", "RefundsService", "Runtime"],
            path: "Services/Refunds/RefundsServer",
            swiftSettings: sharedSettings),

        // Oversight and Inquiries.
        library(
            "OversightDomain", "Services/Oversight/OversightDomain",
            ["SupportPolicy", .product(name: "Crypto", package: "swift-crypto")]),
        library("InquiriesDomain", "Services/Inquiries/InquiriesDomain", ["SupportPolicy"]),
        library(
            "InquiriesService", "Services/Inquiries/InquiriesService",
            [
                "Storage", "Outbox",
                "InquiriesDomain", "InquiriesAPI", "CommonAPI", "SupportPolicy", "Runtime", "RPC",
                "Wire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "InquiriesServer", dependencies: ["OversightDelivery", "InquiriesService", "Runtime"],
            path: "Services/Inquiries/InquiriesServer", swiftSettings: sharedSettings),
        library(
            "OversightService", "Services/Oversight/OversightService",
            [
                "Storage",
                "OversightDomain", "OversightAPI", "CommonAPI", "InquiriesAPI", "SupportPolicy", "Runtime", "RPC",
                "Wire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .executableTarget(
            name: "OversightServer", dependencies: ["OversightService", "Runtime"],
            path: "Services/Oversight/OversightServer", swiftSettings: sharedSettings),

        // The standard services every server runs: health checking and server reflection.
        library(
            "GRPCServices", "Shared/GRPCServices",
            ["Wire", "RPC", "HealthAPI", "ReflectionV1API", "ReflectionV1AlphaAPI"]),

        // A service's own SQLite database: migrations, reads off the event loop, idempotent commands,
        // page cursors, database errors as statuses.
        library(
            "Storage", "Shared/Storage",
            [
                "RPC", "Wire", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), "CSQLiteSettings",
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ]),
        // SQLite's process-wide settings, applied as the process loads (memory statistics off).
        .target(
            name: "CSQLiteSettings", path: "Shared/CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The transactional outbox: events written with the change, relayed at least once, dead
        // letters; the audit events for Oversight (a shared contract) and the checkpoint kept.
        library(
            "Outbox", "Shared/Outbox",
            [
                "Storage", "RPC", "Wire", "CommonAPI", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]),

        // What every service process hosts: configuration, lifecycle (serving, relays, background
        // loops, retention), identity and access, logs, metrics and trace context, and the
        // translation between the shared policy and the common contract.
        library(
            "Runtime", "Shared/Runtime",
            [
                "Storage", "Outbox", "RPC", "Wire", "HTTP2", "GRPCServices", "HealthAPI", "CommonAPI", "SupportPolicy",
                "CMalloc",
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

        // Delivery of a service's outbox events to Oversight (RecordEvents): the one place outside
        // Oversight that calls its contract for the audit log.
        library(
            "OversightDelivery", "Services/Oversight/OversightDelivery",
            [
                "OversightAPI", "CommonAPI", "Outbox", "Storage", "Runtime", "RPC", "Wire",
                .product(name: "Logging", package: "swift-log"),
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
        library("TestSupport", "Tests/TestSupport", ["RPC", "Storage"]),
        .executableTarget(
            name: "StorageWriter", dependencies: ["Storage", "Runtime", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/StorageWriter", swiftSettings: sharedSettings),
        tests(
            "ProcessTests",
            [
                "Storage",
                "TestSupport", "Runtime", "HTTP2", "RPC", "Wire", "HealthAPI", "InteropAPI", "CommonAPI", "OrdersAPI",
                "RefundsAPI", "ReturnsAPI",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Fuzzing: the targets (a library, so the regression tests replay the corpora through the
        // same code) and the libFuzzer executable (see Tests/Fuzz/FuzzEntryPoints.swift).
        library(
            "FuzzTargets", "Tests/FuzzTargets",
            [
                "Wire", "RPC", "HTTP2", "OrdersAPI", "ReturnsAPI", "RefundsAPI", "InquiriesAPI", "OversightAPI",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "Fuzz", dependencies: ["FuzzTargets"], path: "Tests/Fuzz", swiftSettings: sharedSettings),
        tests(
            "FuzzTests",
            ["FuzzTargets", "Wire", "CodeGen", "OrdersAPI", "ReturnsAPI", "RefundsAPI", "InquiriesAPI", "OversightAPI"]),
        library("WireFixtures", "Tests/WireFixtures", ["Wire"]),
        tests("WireTests", ["Wire", "WireFixtures"]),
        // The code generator's output for its corpus of tricky protos (Tests/Protos/support/codegen),
        // committed and compiled.
        library("CodeGenFixtures", "Tests/CodeGenFixtures", ["Wire", "RPC", "WireFixtures"]),
        tests("CodeGenTests", ["CodeGen", "CodeGenFixtures", "WireFixtures", "RPC", "Wire"]),
        tests("RPCTests", ["RPC", "Wire", "InteropAPI", "Interop"]),
        tests(
            "RuntimeTests",
            [
                "Storage", "Outbox", "OversightDelivery",
                "Runtime", "RPC", "Wire", "HTTP2", "InteropAPI", "Interop", "OversightAPI", "CommonAPI",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        tests("SupportPolicyTests", ["SupportPolicy"]),
        tests("OrdersDomainTests", ["OrdersDomain", "SupportPolicy"]),
        tests("ReturnsDomainTests", ["ReturnsDomain", "SupportPolicy"]),
        tests("RefundsDomainTests", ["RefundsDomain", "SupportPolicy"]),
        tests("OversightDomainTests", ["OversightDomain", "SupportPolicy"]),
        tests("InquiriesDomainTests", ["InquiriesDomain", "SupportPolicy"]),
        tests(
            "InquiriesServiceTests",
            [
                "Storage", "TestSupport",
                "InquiriesService", "InquiriesAPI", "CommonAPI", "Runtime", "RPC", "Wire",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "OversightServiceTests",
            [
                "Storage", "Outbox", "OversightDelivery",
                "TestSupport",
                "OversightService", "OversightAPI", "OversightDomain", "CommonAPI", "Runtime", "RPC", "Wire", "HTTP2",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        tests(
            "PostPurchaseTests",
            [
                "Storage",
                "TestSupport",
                "OrdersService", "RefundsService", "ReturnsService", "OrdersAPI", "RefundsAPI", "ReturnsAPI",
                "CommonAPI",
                "OversightAPI", "Runtime", "RPC", "Wire", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        tests(
            "OrdersServiceTests",
            [
                "Storage",
                "TestSupport",
                "OrdersService", "OrdersAPI", "CommonAPI", "OversightAPI", "Outbox", "Runtime", "RPC", "Wire",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        tests(
            "HTTP2Tests",
            [
                "HTTP2", "RPC", "Wire", "InteropAPI", "Interop", "CNGHTTP2", "GRPCServices", "HealthAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        // Storage and the outbox, on real SQLite files (they also use Runtime's database set-up).
        tests(
            "StorageTests",
            [
                "Storage", "Runtime", "RPC", "Wire", "HTTP2", .product(name: "GRDB", package: "GRDB.swift"),
                "Outbox", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        tests(
            "OutboxTests",
            [
                "Outbox", "Storage", "Runtime", "RPC", "Wire", "CommonAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        // The oversight web console: HTML pages built from the services' RPCs, called with the
        // signed-in person's own token (it owns no data).
        library(
            "ConsoleWeb", "Services/Console/ConsoleWeb",
            [
                "Runtime", "RPC", "Wire", "HTTP2", "CommonAPI", "OversightAPI", "OrdersAPI", "ReturnsAPI",
                "RefundsAPI", "InquiriesAPI", "SupportPolicy", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "ConsoleServer",
            dependencies: [
                "ConsoleWeb", "Runtime", "HTTP2", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Services/Console/ConsoleServer", swiftSettings: sharedSettings),
        tests(
            "ConsoleTests",
            [
                "ConsoleWeb", "Runtime", "CommonAPI", "RefundsAPI", "ConsoleServer", "HTTP2",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
    ]
)

import Foundation
import Storage

/// A PostgreSQL database of its own for one test, on the throwaway server whose URL
/// `SUPPORT_TEST_DATABASE_URL` names (`make test` starts one with scripts/postgres.sh and sets it).
/// Tests of the PostgreSQL backend are enabled with ``isConfigured`` and say why when skipped.
public enum PostgresTestDatabase {
    /// The variable naming the test server.
    public static let variable = "SUPPORT_TEST_DATABASE_URL"

    /// Whether a test server is configured.
    public static var isConfigured: Bool {
        ProcessInfo.processInfo.environment[variable].map { !$0.isEmpty } ?? false
    }

    /// Why PostgreSQL tests are skipped when no server is configured.
    public static let skipReason =
        "PostgreSQL tests need SUPPORT_TEST_DATABASE_URL (make test sets it; or: export SUPPORT_TEST_DATABASE_URL=$(scripts/postgres.sh start))"

    /// How long a test's backend waits for a connection: every suite runs at once, and on two
    /// busy cores opening a connection to the test server took past the backend's default 5 s
    /// (a few tests failed UNAVAILABLE in runs beside a build). Waiting for a connection is
    /// tested on its own (`PostgresUnreachableTests`); elsewhere it is only a wait.
    public static let leaseTimeout: Duration = .seconds(120)

    /// A backend on the test database at `url` with `connections` connections, waiting for one up
    /// to ``leaseTimeout``.
    public static func backend(_ url: DatabaseURL, connections: Int) -> PostgresBackend {
        PostgresBackend(url: url, connections: connections, leaseTimeout: leaseTimeout)
    }

    /// Creates an empty database with a fresh name on the test server; returns its URL.
    public static func create() async throws -> DatabaseURL {
        let server = try DatabaseURL(parsing: ProcessInfo.processInfo.environment[variable] ?? "")
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let backend = backend(server, connections: 1)
        defer { backend.close() }
        try await backend.executeOutsideTransaction("CREATE DATABASE \(name)")
        var url = server
        url.database = name
        return url
    }

    /// Drops the database at `url` (closing its connections first).
    public static func drop(_ url: DatabaseURL) async {
        guard let server = try? DatabaseURL(parsing: ProcessInfo.processInfo.environment[variable] ?? "") else {
            return
        }
        let backend = backend(server, connections: 1)
        defer { backend.close() }
        try? await backend.executeOutsideTransaction("DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)")
    }
}

import RPC
import Storage
import Testing

/// With its PostgreSQL unreachable, a call fails UNAVAILABLE once the wait for a connection runs
/// out, instead of hanging until its deadline (the pool keeps reconnecting meanwhile).
@Suite struct PostgresUnreachableTests {
    @Test func aTransactionFailsUnavailableWhenNoConnectionCanBeHad() async throws {
        // Nothing listens on port 1 of the loopback address.
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        let backend = PostgresBackend(url: url, connections: 1, leaseTimeout: .milliseconds(300))
        defer { backend.close() }
        do {
            _ = try await backend.transaction { connection in try connection.fetchCount("SELECT 1") }
            Issue.record("a transaction ran without a database")
        } catch {
            let status = RPCError(converting: error)
            #expect(status.code == .unavailable)
            #expect(status.message == "the service's database cannot be reached; try again")
        }
    }
}

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

    /// A call cancelled while it waits for a connection is CANCELLED, not a database failure
    /// (the pool reports it with an error of its own, which used to become UNKNOWN). Which of
    /// the waits notices the cancellation first is a race, so it is run a few times.
    @Test func aTransactionCancelledWhileWaitingForAConnectionIsCancelled() async throws {
        let url = try DatabaseURL(parsing: "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
        let backend = PostgresBackend(url: url, connections: 1, leaseTimeout: .seconds(600))
        defer { backend.close() }
        for _ in 0..<20 {
            let waiting = Task {
                try await backend.transaction { connection in try connection.fetchCount("SELECT 1") }
            }
            try await Task.sleep(for: .milliseconds(20))
            waiting.cancel()
            do {
                _ = try await waiting.value
                Issue.record("a transaction ran without a database")
            } catch {
                #expect(RPCError(converting: error).code == .cancelled, "got \(error)")
            }
        }
    }
}

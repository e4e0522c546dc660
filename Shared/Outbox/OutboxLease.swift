import Foundation
import Storage

/// Which relay delivers a destination's events now: one row per destination with its holder and
/// until when. With several replicas on one PostgreSQL database only the holder delivers, so no
/// event goes out twice at once and each case's events keep their order; a holder that dies
/// stops renewing, and after ``duration`` another replica takes over. (A SQLite file has one
/// process, so no lease is needed there: a process restarted after a crash delivers at once.)
/// Other work to be done by one replica at a time (pruning) holds a lease of its own name here.
public enum OutboxLease {
    /// How long a lease lasts without renewal; a relay renews it before every batch.
    public static let duration: Double = 30

    /// The runtime migration creating the lease table.
    @Sendable package static func createTable(_ db: any SQLConnection) throws {
        try db.execute(
            """
            CREATE TABLE outbox_lease (
                destination TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL
            )
            """)
    }

    /// Takes or renews the lease of `destination` for `holder` at `now`, for `duration` seconds;
    /// false while another holder's lease runs. Always true on SQLite (one process per file).
    package static func acquire(
        _ destination: String, holder: String, now: Date, duration: Double = duration, in db: some SQLConnection
    ) throws -> Bool {
        guard db.sqlDialect == .postgres else { return true }
        let until = now.timeIntervalSince1970 + duration
        let taken = try db.execute(
            """
            INSERT INTO outbox_lease (destination, holder, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (destination) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE outbox_lease.holder = excluded.holder OR outbox_lease.expires_at < ?
            """,
            [destination, holder, until, now.timeIntervalSince1970])
        return taken > 0
    }

    /// Gives the lease up (at shutdown), so another replica takes over at once.
    public static func release(_ destination: String, holder: String, in db: some SQLConnection) throws {
        try db.execute("DELETE FROM outbox_lease WHERE destination = ? AND holder = ?", [destination, holder])
    }
}

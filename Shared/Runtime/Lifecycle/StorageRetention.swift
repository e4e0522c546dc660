import Foundation
import Outbox
import Storage

/// Prunes what a service's database only needs for a while: idempotency records older than
/// `idempotency` (a retry after that runs again) and outbox events delivered longer ago than
/// `deliveredOutbox` (pending events and dead letters are never pruned). Deletes in bounded chunks,
/// one short write transaction each, so commands never wait long behind it. ``ServiceProcess``
/// runs it in a ``BackgroundLoop``, under a lease, so that one replica prunes.
public struct StorageRetention: Sendable {
    /// Rows deleted per transaction.
    static let chunk = 5_000

    /// How long idempotency records are kept.
    public var idempotency: Duration
    /// How long delivered outbox events are kept.
    public var deliveredOutbox: Duration

    /// A retention of `idempotency` for idempotency records and `deliveredOutbox` for delivered events.
    public init(idempotency: Duration, deliveredOutbox: Duration) {
        self.idempotency = idempotency
        self.deliveredOutbox = deliveredOutbox
    }

    /// What one ``prune(_:now:)`` removed.
    public struct Pruned: Sendable, Equatable {
        /// Idempotency records removed.
        public var idempotency = 0
        /// Delivered outbox events removed.
        public var deliveredOutbox = 0
    }

    /// The runtime migration indexing the columns pruning selects on.
    @Sendable static func createIndexes(_ db: any SQLConnection) throws {
        try db.executeAll([
            "CREATE INDEX idempotency_created_at ON idempotency (created_at)",
            "CREATE INDEX outbox_delivered_at ON outbox (delivered_at) WHERE delivered_at IS NOT NULL",
        ])
    }

    /// The runtime migration dropping, on SQLite, the index of idempotency records by age (issue
    /// 15: a page written by every command). The table is a rowid table, its rows numbered in the
    /// order they were stored, so the oldest come first in the table itself and pruning reads them
    /// from there (``prune(_:now:)``). PostgreSQL's rows have no such order: it keeps the index.
    @Sendable static func dropIdempotencyAgeIndex(_ db: any SQLConnection) throws {
        guard db.sqlDialect == .sqlite else { return }
        try db.execute("DROP INDEX idempotency_created_at")
    }

    /// Removes from `database` what is older than its retention at `now`.
    ///
    /// Idempotency records on SQLite are walked in the order they were stored (rowid), a chunk at
    /// a time, of which those past retention go, up to the first chunk whose newest record has
    /// not expired. A record is never removed before its retention has passed.
    @discardableResult
    public func prune(_ database: ServiceDatabase, now: Date) async throws -> Pruned {
        var pruned = Pruned()
        let idempotencyCutoff = now.timeIntervalSince1970 - Self.seconds(idempotency)
        pruned.idempotency =
            database.dialect == .sqlite
            ? try await Self.pruneIdempotencyInStoredOrder(database, cutoff: idempotencyCutoff)
            : try await Self.deleteInChunks(
                database,
                sql: """
                    DELETE FROM idempotency WHERE key IN
                    (SELECT key FROM idempotency WHERE created_at < ? LIMIT ?)
                    """, cutoff: idempotencyCutoff)
        let outboxCutoff = now.timeIntervalSince1970 - Self.seconds(deliveredOutbox)
        pruned.deliveredOutbox = try await Self.deleteInChunks(
            database,
            sql: """
                DELETE FROM outbox_delivered WHERE delivery IN
                (SELECT delivery FROM outbox_delivered WHERE delivered_at < ? LIMIT ?)
                """, cutoff: outboxCutoff)
        return pruned
    }

    /// The lease naming the replica that prunes (``OutboxLease``'s table; PostgreSQL only).
    static let lease = "storage-retention"

    /// How long the pruning lease lasts without renewal: two hourly runs, so the holder renews it
    /// each hour and another replica takes over once it stops.
    static let leaseDuration: Double = 7_200

    /// Prunes as ``prune(_:now:)`` if `holder` holds (or takes) the pruning lease at `now`, so that
    /// one replica of several on a PostgreSQL database prunes; nil while another holds it.
    @discardableResult
    public func pruneIfHolding(_ database: ServiceDatabase, holder: String, now: Date) async throws -> Pruned? {
        let holding = try await database.transaction { db in
            try OutboxLease.acquire(Self.lease, holder: holder, now: now, duration: Self.leaseDuration, in: db)
        }
        return holding ? try await prune(database, now: now) : nil
    }

    /// SQLite's idempotency records past `cutoff`, walked in the order they were stored (rowid) a
    /// chunk at a time: in each chunk those past the cutoff go; the walk ends after the first chunk
    /// whose newest record has not expired (every later one was stored after it). One record
    /// stamped ahead of those stored after it (the wall clock stepped back) so never holds the
    /// pruning of the chunks behind it (an outside review's finding).
    private static func pruneIdempotencyInStoredOrder(_ database: ServiceDatabase, cutoff: Double) async throws
        -> Int
    {
        var total = 0
        var after = Int64.min
        while !Task.isCancelled {
            let (deleted, last) = try await database.transaction {
                [after] db -> (Int, (rowid: Int64, expired: Bool)?) in
                guard
                    let row = try db.fetchRows(
                        """
                        SELECT rowid, created_at FROM idempotency WHERE rowid = (SELECT max(rowid) FROM
                            (SELECT rowid FROM idempotency WHERE rowid > ? ORDER BY rowid LIMIT ?))
                        """, [after, chunk]
                    ).first
                else { return (0, nil) }
                let last = try row.int64(0)
                let deleted = try db.execute(
                    "DELETE FROM idempotency WHERE rowid > ? AND rowid <= ? AND created_at < ?", [after, last, cutoff])
                return (deleted, (last, try row.double(1) < cutoff))
            }
            total += deleted
            guard let last, last.expired else { break }
            after = last.rowid
        }
        return total
    }

    private static func deleteInChunks(_ database: ServiceDatabase, sql: String, cutoff: Double) async throws -> Int {
        var total = 0
        while !Task.isCancelled {
            let deleted = try await database.transaction { db in try db.execute(sql, [cutoff, chunk]) }
            total += deleted
            if deleted < chunk { break }
        }
        return total
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

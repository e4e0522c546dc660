import Crypto
import Foundation
import RPC

/// Makes state-changing RPCs safe to retry. The first call with a key runs and its response is
/// stored, with a hash of the request, in the same transaction as the change; a retry with the
/// same key and request gets the stored response without running again; the same key with a
/// different request is refused with ALREADY_EXISTS. On PostgreSQL, calls with the same key on
/// several replicas at once take turns (an advisory lock on the key), so there is one effect.
public enum IdempotencyLedger {
    /// The runtime migration creating the ledger's table.
    @Sendable package static func createTable(_ db: any SQLConnection) throws {
        try db.execute(
            """
            CREATE TABLE idempotency (
                key TEXT PRIMARY KEY,
                method TEXT NOT NULL,
                request_hash \(db.sqlDialect.blob) NOT NULL,
                response \(db.sqlDialect.blob) NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )
            """)
    }

    /// Inside a write transaction: returns the stored response for `key`, or runs `change` and
    /// stores what it returns. `request` is the request's encoding (deterministic: map entries in
    /// key order), so equal requests hash equally. Keys are scoped by `caller` (the subject), so
    /// two callers choosing the same key never see each other's results.
    public static func perform<Connection: SQLConnection>(
        key: String, caller: String = "", method: MethodDescriptor, request: [UInt8], in db: Connection,
        _ change: (Connection) throws -> [UInt8]
    ) throws -> [UInt8] {
        guard !key.isEmpty else { throw RPCError(.invalidArgument, "idempotency_key is required") }
        guard key.utf8.count <= 200 else {
            throw RPCError(.invalidArgument, "idempotency_key is longer than 200 bytes")
        }
        let storedKey = caller.isEmpty ? key : "\(caller)\u{1F}\(key)"
        var hasher = SHA256()
        hasher.update(data: Data(method.path.utf8))
        hasher.update(data: Data(request))
        let hash = [UInt8](hasher.finalize())
        try db.lock(named: "idempotency\u{1F}\(storedKey)")
        if let row = try db.fetchOne(
            "SELECT method, request_hash, response FROM idempotency WHERE key = ?", [storedKey])
        {
            guard try row.string(0) == method.path, try row.bytes(1) == hash else {
                throw RPCError(
                    .alreadyExists,
                    "idempotency_key '\(key)' was already used for a different request; use a new key for a new request"
                )
            }
            return try row.bytes(2)
        }
        let response = try change(db)
        try db.execute(
            "INSERT INTO idempotency (key, method, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
            [storedKey, method.path, hash, response, Date().timeIntervalSince1970])
        return response
    }
}

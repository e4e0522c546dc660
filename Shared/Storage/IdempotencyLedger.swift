import Crypto
import Foundation
import GRDB
import RPC

/// Makes state-changing RPCs safe to retry. The first call with a key runs and its response is
/// stored, with a hash of the request, in the same transaction as the change; a retry with the
/// same key and request gets the stored response without running again; the same key with a
/// different request is refused with ALREADY_EXISTS.
public enum IdempotencyLedger {
    /// The runtime migration creating the ledger's table.
    @Sendable package static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE idempotency (
                    key TEXT PRIMARY KEY,
                    method TEXT NOT NULL,
                    request_hash BLOB NOT NULL,
                    response BLOB NOT NULL,
                    created_at REAL NOT NULL
                )
                """)
    }

    /// Inside a write transaction: returns the stored response for `key`, or runs `change` and
    /// stores what it returns. `request` is the request's encoding (deterministic: map entries in
    /// key order), so equal requests hash equally. Keys are scoped by `caller` (the subject), so
    /// two callers choosing the same key never see each other's results.
    public static func perform(
        key: String, caller: String = "", method: MethodDescriptor, request: [UInt8], in db: Database,
        _ change: (Database) throws -> [UInt8]
    ) throws -> [UInt8] {
        guard !key.isEmpty else { throw RPCError(.invalidArgument, "idempotency_key is required") }
        guard key.utf8.count <= 200 else {
            throw RPCError(.invalidArgument, "idempotency_key is longer than 200 bytes")
        }
        let storedKey = caller.isEmpty ? key : "\(caller)\u{1F}\(key)"
        var hasher = SHA256()
        hasher.update(data: Data(method.path.utf8))
        hasher.update(data: Data(request))
        let hash = Data(hasher.finalize())
        if let row = try Row.fetchOne(
            db, sql: "SELECT method, request_hash, response FROM idempotency WHERE key = ?",
            arguments: [storedKey])
        {
            let storedMethod: String = row["method"]
            let storedHash: Data = row["request_hash"]
            guard storedMethod == method.path, storedHash == hash else {
                throw RPCError(
                    .alreadyExists,
                    "idempotency_key '\(key)' was already used for a different request; use a new key for a new request"
                )
            }
            let response: Data = row["response"]
            return [UInt8](response)
        }
        let response = try change(db)
        try db.execute(
            sql: "INSERT INTO idempotency (key, method, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [storedKey, method.path, hash, Data(response), Date().timeIntervalSince1970])
        return response
    }
}

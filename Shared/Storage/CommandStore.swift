import Foundation
import RPC
import Wire

/// A store that runs state-changing commands: each in one transaction with its idempotency
/// record (``IdempotencyLedger``), so that a retry with the same key gets the first response.
/// Every service's store is one; ``command(_:_:key:caller:at:_:)`` is how its handlers use it.
public protocol CommandStore: Sendable {
    /// What a command's body reads and changes, inside the command's transaction.
    associatedtype Transaction

    /// Runs `body` in one transaction with its idempotency record under `key` (scoped to
    /// `caller`); a retry with the same key and request returns the stored response without
    /// running `body` again, the same key with another request is ALREADY_EXISTS.
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (Transaction) throws -> [UInt8]
    ) async throws -> [UInt8]
}

extension CommandStore {
    /// Runs the command `method` for `request` at `now`: idempotent by `key` (scoped to the
    /// subject `caller`), in one transaction. Domain errors thrown by `body` reach the caller
    /// with their status (``RPC/RPCErrorConvertible``).
    public func command<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, caller: String, at now: Date,
        _ body: @escaping @Sendable (Transaction, Date) throws -> Response
    ) async throws -> Response {
        let bytes = try await perform(key: key, caller: caller, method: method, request: request.serializedBytes()) {
            transaction in try body(transaction, now).serializedBytes()
        }
        return try Response(serializedBytes: bytes)
    }
}

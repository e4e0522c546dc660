import RPC

/// The status code of a call: OK if it succeeded, the RPC error's code if it failed (UNKNOWN for
/// any other error).
public func statusCode(_ call: () async throws -> Void) async -> StatusCode {
    await rpcError(call)?.code ?? .ok
}

/// The error of a call that must fail (nil if it succeeded; any other error becomes UNKNOWN).
public func rpcError(_ call: () async throws -> Void) async -> RPCError? {
    do {
        try await call()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(.unknown, "\(error)")
    }
}

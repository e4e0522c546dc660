/// Runs `body`, cancelling it and throwing DEADLINE_EXCEEDED if `deadline` passes first.
public func withDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    guard let deadline else { return try await body() }
    guard deadline > .now else { throw RPCError(.deadlineExceeded, "the deadline passed before the call started") }
    return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw RPCError(.deadlineExceeded, "the deadline passed before the call finished")
        }
        return result
    }
}

/// Where a handler writes response messages, or a client writes request messages. `write`
/// suspends while the transport cannot take more (HTTP/2 flow control), which is the backpressure.
public struct MessageWriter: Sendable {
    private let writeMessage: @Sendable ([UInt8]) async throws -> Void

    /// A writer that hands each encoded message to `write`.
    public init(_ write: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.writeMessage = write
    }

    /// Writes one encoded message.
    public func write(_ message: [UInt8]) async throws {
        try await writeMessage(message)
    }
}

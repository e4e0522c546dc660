import RPC
import Testing

/// A reader of a message stream whose task is cancelled learns that it was cancelled: a clean end
/// would let a client-streaming handler act on part of its input as if it were all of it.
@Suite struct MessageStreamCancellationTests {
    @Test func aCancelledReaderGetsCancelledNotTheEnd() async throws {
        let (stream, continuation) = MessageStream.makeStream()
        continuation.yield([1, 2, 3])
        let reader = Task {
            var iterator = stream.makeAsyncIterator()
            var read: [[UInt8]] = []
            while let message = try await iterator.next() { read.append(message) }
            return read
        }
        reader.cancel()
        let error = await #expect(throws: RPCError.self) { _ = try await reader.value }
        #expect(error?.code == .cancelled)
        continuation.finish()
    }

    @Test func aFinishedStreamStillEndsCleanly() async throws {
        var iterator = MessageStream.of([[7], [8]]).makeAsyncIterator()
        #expect(try await iterator.next() == [7])
        #expect(try await iterator.next() == [8])
        #expect(try await iterator.next() == nil)
    }
}

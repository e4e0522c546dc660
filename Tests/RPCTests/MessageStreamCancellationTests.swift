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

    /// A stream that finished normally loses nothing to a reader cancelled before it got to the
    /// end: every buffered message comes first, only then CANCELLED in place of the end.
    @Test func aCancelledReaderStillGetsEveryBufferedMessageFirst() async throws {
        let (stream, continuation) = MessageStream.makeStream()
        for value in UInt8(0)..<5 { continuation.yield([value]) }
        continuation.finish()
        let reader = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var iterator = stream.makeAsyncIterator()
            var read: [[UInt8]] = []
            do {
                while let message = try await iterator.next() { read.append(message) }
            } catch let error as RPCError {
                return (read, error.code)
            }
            return (read, StatusCode.ok)
        }
        let (read, code) = try await reader.value
        #expect(read == (0..<5).map { [$0] })
        #expect(code == .cancelled)
    }
}

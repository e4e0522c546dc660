import CNGHTTP2
import NIOCore
import RPC

extension ServerConnectionHandler: NGHTTP2SessionDelegate {
    func sessionBeginsHeaders(streamID: Int32) {
        guard streams[streamID] == nil else { return }
        streams[streamID] = ServerStream(
            id: streamID, maximumMessageSize: configuration.maximumReceiveMessageSize, allocator: allocator)
    }

    func sessionReceivedHeader(
        streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard let stream = streams[streamID] else { return true }
        // Trailers from a client, and fields past the block's limits, are not kept. nghttp2 still
        // validates each, and HPACK lets one byte repeat a 4 KiB field: past a bound the stream is
        // reset, which stops nghttp2 delivering the rest of the block.
        let size = HeaderFieldSize.of(nameBytes: name.count, valueBytes: value.count)
        guard stream.state.keepsHeaders else {
            stream.ignoredHeaderBytes += size
            guard stream.ignoredHeaderBytes <= Self.maximumIgnoredHeaderBytes else {
                if stream.state.isReceivingHeaders { streams[streamID] = nil }
                return false
            }
            return true
        }
        let field = (name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        stream.state.receivedHeader(
            field, size: size, maximumSize: configuration.maximumHeaderListSize,
            maximumCount: Self.maximumHeaderCount)
        return true
    }

    /// The most fields a request header block may have.
    static let maximumHeaderCount = 128

    /// The most header bytes (counted as SETTINGS_MAX_HEADER_LIST_SIZE counts) a stream may send
    /// that are not kept: past the request block's limits, or in trailers.
    static let maximumIgnoredHeaderBytes = 256 * 1_024

    func sessionReceivedHeaders(streamID: Int32, isTrailers: Bool, endStream: Bool) {
        guard let stream = streams[streamID] else { return }
        if stream.state.isReceivingHeaders {
            // Only a complete header block is a call: one left unfinished holds no timer off.
            streamBegan()
            route(stream)
        }
        if endStream { sessionReceivedEndOfStream(streamID: streamID) }
    }

    func sessionReceivedData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], stream.state.receivedData() == .deliver else {
            // Nobody will read these bytes: give the window back at once.
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        connection.dataReceived()
        guard reserve(bytes.count, for: stream) else {
            fail(stream, RPCError(.resourceExhausted, Self.bufferFull))
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        // The window reopens only for bytes the handler will take: a unary call's one message,
        // and a streaming call's messages as its handler reads them.
        let wanted = stream.state.consumesOnReceipt(queuedMessages: stream.queuedMessages)
        stream.deframer.append(bytes)
        if wanted {
            session.consume(streamID: streamID, count: bytes.count)
        } else {
            stream.heldBytes += bytes.count
        }
        deliverMessages(of: stream)
    }

    static let bufferFull = "the server is buffering too many request bytes; retry later"

    func sessionReceivedEndOfStream(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        let action = stream.state.receivedEndOfRequest()
        if case .none = action { return }
        if stream.deframer.hasPartialMessage {
            fail(stream, RPCError(.internal, "the request ended in the middle of a message"))
            return
        }
        switch action {
        case .startUnary: readyStreams.append(streamID)
        case .finishRequests(let requests): requests.continuation.finish()
        case .none: break
        }
    }

    func sessionClosedStream(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        releaseBuffers(of: stream)
        discardResponse(of: stream)
        if stream.state.closed(cleanly: errorCode == NGHTTP2_NO_ERROR.rawValue) {
            abandon(stream)
        }
        closeIfDrained()
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard let stream = streams[streamID] else { return .end(count: 0, trailers: nil) }
        let count = stream.outbound.take(into: buffer)
        if count > 0 {
            releaseResponse(count, for: stream)
            stream.blockedSince = nil
        }
        if stream.outbound.isEmpty, let trailers = stream.state.takeTrailers() {
            return .end(count: count, trailers: trailers)
        }
        return count > 0 ? .data(count: count) : .deferred
    }

    func sessionReceivedFrame(type: UInt8, flags: UInt8, streamID: Int32) {
        if UInt32(type) == NGHTTP2_SETTINGS.rawValue { peerSettingsReceived() }
        guard UInt32(type) == NGHTTP2_PING.rawValue else { return }
        guard flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 else {
            keepaliveAcknowledged()
            return
        }
        if connection.pingReceived() == .goAwayTooManyPings {
            session.submitGoaway(errorCode: NGHTTP2_ENHANCE_YOUR_CALM.rawValue, debug: "too_many_pings")
        }
    }

    func sessionSentFrame(type: UInt8, flags: UInt8, streamID: Int32) {
        // Once the status is out, a client that is still sending is told to stop (as gRPC does).
        guard flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0, let stream = streams[streamID],
            stream.state.sentEndOfResponse()
        else { return }
        session.resetStream(streamID, errorCode: NGHTTP2_NO_ERROR.rawValue)
    }

    func sessionReceivedInvalidFrame(streamID: Int32) {}

    // MARK: Request handling

    /// Validates a complete request header block and finds its handler.
    private func route(_ stream: ServerStream) {
        guard let block = stream.state.headerBlock else { return }
        guard !block.overflowed else {
            fail(
                stream,
                RPCError(
                    .resourceExhausted,
                    "the request's metadata is larger than this server accepts "
                        + "(\(configuration.maximumHeaderListSize) bytes, \(Self.maximumHeaderCount) fields)"))
            return
        }
        let head: RequestHead
        do throws(RequestHead.Rejection) {
            head = try RequestHead(block.fields)
        } catch {
            switch error {
            case .http(let status, _):
                stream.state.endResponseWithoutStatus()
                submitResponse(stream, headers: [(":status", String(status))], hasBody: false)
            case .grpc(let code, let message):
                fail(stream, RPCError(code, message))
            }
            return
        }
        // Routed and admitted on its HEADERS (a deadline never further away than the configured
        // maximum); refused, DATA that follows is dropped as it arrives, never buffered.
        let call: ServerCallExecutor.Accepted
        do throws(RPCError) {
            call = try executor.accept(
                path: head.path, metadata: head.metadata, timeout: head.timeout, peer: peer,
                refusal: connection.isDraining ? RPCError(.unavailable, "the server is shutting down") : nil)
        } catch {
            fail(stream, error)
            return
        }
        // The metadata an admitted call keeps counts against the budgets too.
        guard reserve(block.size, for: stream) else {
            fail(stream, RPCError(.resourceExhausted, Self.bufferFull))
            return
        }
        _ = stream.state.routed(head: head, accepted: call)
        if let size = call.handler.maximumRequestMessageSize { stream.deframer.limit(to: size) }
        if let timeout = head.timeout.map({ min($0, configuration.maximumDeadline) }), let context {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let id = stream.id
            let timer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                loopBound.value.deadlinePassed(streamID: id)
            }
            if !stream.state.deadlineScheduled(timer) { timer.cancel() }
        }
        // A streaming handler starts at once: its messages may arrive before it runs.
        if case .streaming = call.handler.body { readyStreams.append(stream.id) }
    }

    /// Hands every complete message to the handler (or keeps a unary call's one message).
    private func deliverMessages(of stream: ServerStream) {
        do {
            while let message = try stream.deframer.next() {
                let bytes = try decompress(message, of: stream)
                // The message now holds its decompressed size instead of its framed size.
                release(5 + message.bytes.count, for: stream)
                guard reserve(bytes.count, for: stream) else {
                    throw RPCError(.resourceExhausted, Self.bufferFull)
                }
                switch stream.state.receivedMessage(
                    MessageDeframer.Message(compressed: message.compressed, bytes: bytes))
                {
                case .kept:
                    break
                case .yield(let requests):
                    stream.queuedMessages += 1
                    stream.queuedSizes.append(bytes.count)
                    requests.continuation.yield(bytes)
                case .secondUnaryMessage:
                    throw RPCError(.unimplemented, "a unary call received more than one request message")
                case .drop:
                    release(bytes.count, for: stream)
                }
            }
        } catch let failure as MessageDeframer.Failure {
            switch failure {
            case .messageTooLarge(let length, let limit):
                fail(
                    stream,
                    RPCError(.resourceExhausted, "request message of \(length) bytes exceeds the limit of \(limit)"))
            case .invalidCompressionFlag(let flag):
                fail(stream, RPCError(.internal, "invalid compressed-flag byte \(flag)"))
            }
            // Once the status is sent, a client still sending gets RST_STREAM(NO_ERROR) (see
            // sessionSentFrame); resetting now could overtake the status.
        } catch {
            fail(stream, RPCError(converting: error))
        }
    }

    private func decompress(_ message: MessageDeframer.Message, of stream: ServerStream) throws -> [UInt8] {
        guard message.compressed else { return message.bytes }
        guard stream.state.call?.head.requestEncodingIsGzip == true else {
            throw RPCError(.internal, "a message is marked compressed but the request has no grpc-encoding")
        }
        do {
            return try Gzip.decompress(message.bytes, limit: stream.deframer.maximumMessageSize)
        } catch .tooLarge(let limit) {
            throw RPCError(.resourceExhausted, "decompressed request message exceeds the limit of \(limit) bytes")
        } catch {
            throw RPCError(.internal, "a compressed request message is not valid gzip")
        }
    }

    /// A streaming handler read a message: open the window for the bytes held back for it.
    func messageConsumed(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        stream.queuedMessages = max(0, stream.queuedMessages - 1)
        if !stream.queuedSizes.isEmpty { release(stream.queuedSizes.removeFirst(), for: stream) }
        if stream.queuedMessages == 0, stream.heldBytes > 0 {
            session.consume(streamID: streamID, count: stream.heldBytes)
            stream.heldBytes = 0
            scheduleFlush()
        }
    }

    private func deadlinePassed(streamID: Int32) {
        guard let stream = streams[streamID], !stream.state.isFinished else { return }
        fail(stream, ServerCallExecutor.deadlineExceeded)
        writePending(flush: true)
    }

    /// The stream is gone (reset by the client, or the connection closed): cancel its handler.
    func abandon(_ stream: ServerStream) {
        releaseBuffers(of: stream)
        discardResponse(of: stream)
        let handler = stream.state.abandon()
        handler.task?.cancel()
        handler.requestFeed?.continuation.finish(throwing: CancellationError())
        stream.outbound.releaseWriters(throwing: RPCError(.cancelled, "the call was cancelled"))
        handler.deadlineTimer?.cancel()
    }
}

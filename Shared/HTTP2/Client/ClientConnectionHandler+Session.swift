import CNGHTTP2
import NIOCore
import RPC

extension ClientConnectionHandler: NGHTTP2SessionDelegate {
    func sessionBeginsHeaders(streamID: Int32) {
        incomingHeaders[streamID] = IncomingHeaderBlock()
    }

    /// The largest response header block kept (counted as SETTINGS_MAX_HEADER_LIST_SIZE counts):
    /// above anything an nghttp2 peer sends (64 KiB encoded), far below what HPACK references can
    /// make a small block decode to.
    static let maximumResponseHeaderListSize = 256 * 1_024

    func sessionReceivedHeader(
        streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        // A block stops growing at the first field past the limit: its size cannot overflow.
        let fieldSize = HeaderFieldSize.of(nameBytes: name.count, valueBytes: value.count)
        let blockSize = incomingHeaders[streamID, default: IncomingHeaderBlock()].bytes + fieldSize
        guard blockSize <= Self.maximumResponseHeaderListSize else {
            // Refusing the field makes nghttp2 reset the stream and stop decoding its block.
            incomingHeaders[streamID] = nil
            if let stream = streams[streamID] {
                complete(
                    stream,
                    RPCError(
                        .resourceExhausted,
                        "the response metadata from \(authority) is larger than "
                            + "\(Self.maximumResponseHeaderListSize) bytes"))
            }
            return false
        }
        incomingHeaders[streamID, default: IncomingHeaderBlock()].append(
            (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)), size: fieldSize)
        return true
    }

    func sessionReceivedHeaders(streamID: Int32, isTrailers: Bool, endStream: Bool) {
        let block = incomingHeaders.removeValue(forKey: streamID)?.fields ?? []
        guard let stream = streams[streamID] else { return }
        switch stream.state.receivedHeaders(block, endStream: endStream) {
        case .ignore:
            return
        case .refuse(let error):
            complete(stream, error)
            session.resetStream(streamID, errorCode: NGHTTP2_CANCEL.rawValue)
        case .endWithStatus:
            finishWithStatus(stream, block)
        case .deliverHeaders(let headers):
            if let promise = stream.headersPromise, let messages = stream.messageStream {
                stream.headersPromise = nil
                promise.succeed((headers, messages))
            }
        }
    }

    private func finishWithStatus(_ stream: ClientStream, _ block: HeaderList) {
        let status = ResponseStatus.fromTrailers(block)
        if stream.deframer.hasPartialMessage {
            complete(stream, RPCError(.internal, "the response ended in the middle of a message"))
        } else if status.code == .ok {
            complete(stream, nil, trailers: status.metadata)
        } else {
            complete(stream, status)
        }
    }

    func sessionReceivedData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], case .deliver(let compressed) = stream.state.receivedData() else {
            // Nobody will read these bytes: give the window back at once.
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        // A streaming response's window reopens only as the caller reads its messages; a unary
        // call keeps at most one message.
        if stream.unaryWaiter != nil || stream.queuedMessages == 0 {
            session.consume(streamID: streamID, count: bytes.count)
        } else {
            stream.heldBytes += bytes.count
        }
        stream.deframer.append(bytes)
        do {
            while let message = try stream.deframer.next() {
                var payload = message.bytes
                if message.compressed {
                    guard compressed else {
                        throw RPCError(.internal, "a compressed response message arrived without grpc-encoding")
                    }
                    do {
                        payload = try Gzip.decompress(payload, limit: configuration.maximumReceiveMessageSize)
                    } catch {
                        throw RPCError(.internal, "a compressed response message could not be decompressed")
                    }
                }
                if stream.unaryWaiter != nil {
                    guard stream.unaryMessage == nil else {
                        throw RPCError(.internal, "a unary call received more than one response message")
                    }
                    stream.unaryMessage = payload
                } else {
                    stream.queuedMessages += 1
                    stream.messages?.yield(payload)
                }
            }
        } catch let failure as MessageDeframer.Failure {
            if case .messageTooLarge(let length, let limit) = failure {
                cancel(
                    streamID: streamID,
                    RPCError(.resourceExhausted, "response message of \(length) bytes exceeds \(limit)"))
            } else {
                cancel(streamID: streamID, RPCError(.internal, "the response is not framed as gRPC"))
            }
        } catch {
            cancel(streamID: streamID, RPCError(converting: error))
        }
    }

    func sessionReceivedEndOfStream(streamID: Int32) {
        guard let stream = streams[streamID], stream.state.receivedEnd() else { return }
        complete(stream, RPCError(.internal, "the response ended without trailers"))
    }

    func sessionClosedStream(streamID: Int32, errorCode: UInt32) {
        incomingHeaders[streamID] = nil
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if stream.state.receivedEnd() {
            complete(stream, ResponseStatus.fromReset(errorCode))
        }
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard let stream = streams[streamID], !stream.state.isFinished else { return .end(count: 0, trailers: nil) }
        let count = stream.outbound.take(into: buffer)
        if stream.state.requestBodyEnds(drained: stream.outbound.isEmpty) {
            return .end(count: count, trailers: nil)
        }
        return count > 0 ? .data(count: count) : .deferred
    }

    func sessionReceivedFrame(type: UInt8, flags: UInt8, streamID: Int32) {
        if UInt32(type) == NGHTTP2_GOAWAY.rawValue, !isDraining {
            isDraining = true
            onGoaway()
        }
    }

    func sessionSentFrame(type: UInt8, flags: UInt8, streamID: Int32) {}

    func sessionReceivedInvalidFrame(streamID: Int32) {}
}

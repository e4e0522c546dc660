import RPC
import Testing

@testable import HTTP2

/// ``ClientStreamStateMachine`` on its own: every event in every state, legal or not. No
/// channel, no nghttp2.
@Suite struct ClientStreamStateMachineTests {
    typealias Machine = ClientStreamStateMachine

    static let responseHeaders: HeaderList = [
        (":status", "200"), ("content-type", "application/grpc"), ("x-trace", "abc"),
    ]
    static let trailers: HeaderList = [("grpc-status", "0"), ("x-cost", "3")]

    // MARK: Legal paths

    @Test func aStreamingCallGoesThroughEveryPhase() {
        var machine = Machine()
        #expect(machine.state == .awaitingResponse(requestEnded: false))
        #expect(machine.acceptsRequestMessages)
        #expect(!machine.requestBodyEnds(drained: true), "an open request does not end when drained")

        #expect(machine.receivedHeaders(Self.responseHeaders, endStream: false) == .deliverHeaders(["x-trace": "abc"]))
        #expect(machine.state == .receiving(requestEnded: false, headers: ["x-trace": "abc"], compressed: false))
        #expect(machine.receivedData() == .deliver(compressed: false))

        #expect(machine.endRequest() == true)
        #expect(!machine.acceptsRequestMessages)
        #expect(!machine.requestBodyEnds(drained: false), "queued messages go out before END_STREAM")
        #expect(machine.requestBodyEnds(drained: true))

        #expect(machine.receivedHeaders(Self.trailers, endStream: true) == .endWithStatus)
        #expect(machine.receivedEnd())
        #expect(machine.finish() == ["x-trace": "abc"])
        #expect(machine.state == .finished(requestEnded: true))
    }

    @Test func aUnaryCallsRequestEndsWithItsMessage() {
        var machine = Machine(requestEnded: true)
        #expect(!machine.acceptsRequestMessages)
        #expect(machine.endRequest() == false, "the request ended already")
        #expect(machine.requestBodyEnds(drained: true))
    }

    @Test func gzipResponsesAreMarkedCompressed() {
        var machine = Machine()
        _ = machine.receivedHeaders(Self.responseHeaders + [("grpc-encoding", "gzip")], endStream: false)
        #expect(machine.receivedData() == .deliver(compressed: true))
    }

    @Test func aTrailersOnlyResponseEndsTheCallWithItsMetadata() {
        var machine = Machine()
        let block = Self.responseHeaders + Self.trailers
        #expect(machine.receivedHeaders(block, endStream: true) == .endWithStatus)
        #expect(machine.finish() == ["x-trace": "abc", "x-cost": "3"])
    }

    @Test func aCallEndedBeforeAnyHeadersHasNoResponseMetadata() {
        var machine = Machine()
        #expect(machine.receivedEnd())
        #expect(machine.finish() == [:])
    }

    // MARK: Illegal or late events

    @Test func aResponseThatIsNotGRPCIsRefusedAndChangesNothing() {
        var notFound = Machine()
        #expect(
            notFound.receivedHeaders([(":status", "404")], endStream: true)
                == .refuse(ResponseStatus.fromHTTPStatus(404)))
        #expect(notFound.state == .awaitingResponse(requestEnded: false))
        var noStatus = Machine()
        #expect(
            noStatus.receivedHeaders([("content-type", "application/grpc")], endStream: false)
                == .refuse(ResponseStatus.fromHTTPStatus(0)))
        var html = Machine()
        let action = html.receivedHeaders([(":status", "200"), ("content-type", "text/html")], endStream: false)
        #expect(action == .refuse(RPCError(.unknown, "the response content-type 'text/html' is not gRPC")))
    }

    @Test func nothingIsDeliveredOrSentOnceFinished() {
        var machine = Machine()
        _ = machine.receivedHeaders(Self.responseHeaders, endStream: false)
        #expect(machine.finish() != nil)
        #expect(machine.finish() == nil, "the outcome is delivered once")
        #expect(machine.receivedHeaders(Self.trailers, endStream: true) == .ignore)
        #expect(machine.receivedData() == .discard)
        #expect(!machine.receivedEnd())
        #expect(!machine.acceptsRequestMessages)
        // The request side still ends (its END_STREAM closes the stream), once.
        #expect(machine.endRequest() == true)
        #expect(machine.endRequest() == false)
        #expect(machine.state == .finished(requestEnded: true))
    }

    @Test func aCallCancelledBeforeItsHeadersEndsAtOnce() {
        var machine = Machine()
        #expect(machine.finish() == [:])
        #expect(machine.receivedHeaders(Self.responseHeaders, endStream: false) == .ignore)
        #expect(machine.state == .finished(requestEnded: false))
    }

    @Test func headersAfterTheResponseBeganAreTheStatus() {
        var machine = Machine()
        _ = machine.receivedHeaders(Self.responseHeaders, endStream: false)
        // A second block is the trailers, whether or not END_STREAM is on it.
        #expect(machine.receivedHeaders(Self.trailers, endStream: false) == .endWithStatus)
        #expect(machine.state == .receiving(requestEnded: false, headers: ["x-trace": "abc"], compressed: false))
    }
}

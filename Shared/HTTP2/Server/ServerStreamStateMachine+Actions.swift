import RPC

/// What ``ServerStreamStateMachine``'s events tell the connection to do, and why a handler
/// cannot start.
extension ServerStreamStateMachine {
    /// What to do with request DATA.
    enum DataAction: Equatable {
        /// Hand it to the call (deframe, deliver).
        case deliver
        /// Nobody will read it: give the window back at once.
        case discard
    }

    /// What to do with a complete request message.
    enum MessageAction {
        /// A unary call's message, kept for its handler.
        case kept
        /// A streaming call's message: yield it to the handler's request messages.
        case yield(RequestFeed)
        /// A unary call received a second message.
        case secondUnaryMessage
        /// Nobody will read it.
        case drop
    }

    /// What to do when the client ends its side.
    enum EndOfRequestAction {
        /// A unary call's request is complete: its handler can start.
        case startUnary
        /// A streaming call's request messages end.
        case finishRequests(RequestFeed)
        /// Nothing waits for it (not routed, already ended, or finished).
        case none
    }

    /// What to do to send a response message.
    enum SendAction: Equatable {
        /// Queue the response headers (with `metadata`), then the message.
        case sendHeadersAndMessage(compressed: Bool, metadata: Metadata)
        /// Queue the message after what is queued.
        case sendMessage(compressed: Bool)
        /// The call has ended: the message cannot go out.
        case callEnded
        /// No handler runs, so no message can come from one (an illegal transition).
        case notRunning
    }

    /// How to end the response with a status.
    enum FinishAction: Equatable {
        /// Nothing was sent: one header block carries the status (Trailers-Only).
        case sendTrailersOnly(HeaderList)
        /// Headers were sent: the trailers are kept until the queued messages drain.
        case trailersQueued
        /// The status is already queued: nothing to do.
        case alreadyFinished

        static func == (lhs: FinishAction, rhs: FinishAction) -> Bool {
            switch (lhs, rhs) {
            case (.sendTrailersOnly(let left), .sendTrailersOnly(let right)):
                left.elementsEqual(right) { $0.name == $1.name && $0.value == $1.value }
            case (.trailersQueued, .trailersQueued), (.alreadyFinished, .alreadyFinished): true
            default: false
            }
        }
    }

    /// The handler cannot start (an illegal transition), and why.
    enum StartRefusal: Error, Equatable {
        /// The call is not routed yet.
        case notRouted
        /// It already runs.
        case alreadyStarted
        /// The call has ended.
        case finished
    }
}

/// A check every transport runs on a call as soon as it is routed, before any of its request
/// body is accepted: on HTTP/2, on the HEADERS frame. It runs synchronously on the connection's
/// event loop, so it must be quick (verify a token, look up a policy) and never wait.
///
/// It may refuse the call by throwing an ``RPCError`` (answered at once, before the body is
/// read), or set what the call may rely on, such as ``ServerContext/caller``. Authentication
/// belongs here rather than in a ``ServerInterceptor``, which only runs once the request has
/// arrived.
public protocol CallAdmission: Sendable {
    /// Admits the call described by `context`, possibly changing it, or throws why not.
    func admit(_ context: inout ServerContext) throws(RPCError)
}

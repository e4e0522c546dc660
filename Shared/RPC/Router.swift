/// Maps each method path to its handler. Services register into it; transports look calls up
/// in it. A path with no handler is answered UNIMPLEMENTED by the transport.
public struct Router: Sendable {
    private var handlers: [String: ServerHandler] = [:]
    /// Checks every transport runs on a routed call before accepting its body, in order.
    public private(set) var admissions: [any CallAdmission] = []

    /// An empty router.
    public init() {}

    /// A router serving every method of `services`.
    public init(services: [any RegistrableService]) {
        for service in services { service.register(into: &self) }
    }

    /// Adds `handler`, replacing any handler of the same path.
    public mutating func register(_ handler: ServerHandler) {
        handlers[handler.method.path] = handler
    }

    /// Limits the request messages of every method of `service` (registered so far) to `size`
    /// bytes, decompressed; a larger one is RESOURCE_EXHAUSTED, decided from its length prefix.
    public mutating func limitRequestMessages(ofService service: String, to size: Int) {
        for (path, handler) in handlers where handler.method.service == service {
            handlers[path]?.maximumRequestMessageSize = size
        }
    }

    /// The handler of `path` (`/package.Service/Method`).
    public func handler(forPath path: String) -> ServerHandler? {
        handlers[path]
    }

    /// Every method served, sorted by path.
    public var methods: [MethodDescriptor] { handlers.values.map(\.method).sorted { $0.path < $1.path } }

    /// The fully qualified names of the services served.
    public var serviceNames: Set<String> { Set(handlers.values.map(\.method.service)) }

    /// Whether any method of `service` is served.
    public func serves(service: String) -> Bool {
        handlers.values.contains { $0.method.service == service }
    }

    /// The same routes with `interceptors` around every handler, the first outermost.
    public func intercepted(by interceptors: [any ServerInterceptor]) -> Router {
        var router = self
        for (path, handler) in handlers {
            router.handlers[path] = interceptors.reversed().reduce(handler) { $0.intercepted(by: $1) }
        }
        return router
    }

    /// The same routes with `admission` run on every call after the admissions already there.
    public func admitting(by admission: any CallAdmission) -> Router {
        var router = self
        router.admissions.append(admission)
        return router
    }

    /// Runs the admissions on a routed call: a transport calls this right after routing and
    /// answers a thrown error at once, before accepting the request body.
    public func admit(_ context: inout ServerContext) throws(RPCError) {
        for admission in admissions { try admission.admit(&context) }
    }
}

/// A service that can add its methods to a ``Router``; generated server protocols refine it.
public protocol RegistrableService: Sendable {
    /// Adds a handler for each method.
    func register(into router: inout Router)
}

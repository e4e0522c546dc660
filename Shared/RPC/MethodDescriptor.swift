/// Names one RPC: its service, its method and its shape. Generated code declares one per method.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified service name, such as `support.orders.v1.Orders`.
    public let service: String
    /// The method name, such as `GetOrder`.
    public let method: String
    /// Unary or streaming.
    public let kind: RPCKind
    /// The HTTP/2 `:path`: `/service/method`.
    public let path: String

    /// Describes `service`'s `method`.
    public init(service: String, method: String, kind: RPCKind) {
        self.service = service
        self.method = method
        self.kind = kind
        self.path = "/\(service)/\(method)"
    }

    /// The path.
    public var description: String { path }
}

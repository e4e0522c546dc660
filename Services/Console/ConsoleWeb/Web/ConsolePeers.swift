import HTTP2
import RPC
import Runtime

/// The services the console reads from, one HTTP/2 transport each (shared by every request),
/// and clients over them that carry the viewer's own token, so a page can do no more than its
/// viewer's RPCs may.
public struct ConsolePeers: Sendable {
    /// The services a console may name with `--peer`.
    public static let names = ["oversight", "orders", "returns", "refunds", "inquiries"]
    /// How long one call of a page may take.
    public static let callTimeout: Duration = .seconds(10)

    private let transports: [String: any ClientTransport]

    /// Transports to `addresses` (service name to "host:port").
    public init(addresses: [String: String], configuration: ClientConfiguration = ClientConfiguration()) throws {
        var transports: [String: any ClientTransport] = [:]
        for (name, address) in addresses {
            transports[name] = try HTTP2ClientTransport(targets: [address], configuration: configuration)
        }
        self.transports = transports
    }

    /// Peers over the given transports (tests use the in-process transport).
    public init(transports: [String: any ClientTransport]) {
        self.transports = transports
    }

    /// A client of `service` calling as `viewer`; a service not configured is a 503 page.
    public func client(_ service: String, as viewer: Viewer) throws(PageError) -> RPCClient {
        guard let transport = transports[service] else {
            throw PageError(
                status: 503, title: "Service unavailable",
                message: "the console has no address for \(service) (start it with --peer \(service)=host:port)")
        }
        return RPCClient(
            transport: transport,
            interceptors: [BearerTokenInterceptor(token: viewer.token), CallTimeoutInterceptor(Self.callTimeout)])
    }

    /// Runs `body` with a client of `service` as `viewer`, turning a refusal into a ``PageError``.
    public func call<Result: Sendable>(
        _ service: String, as viewer: Viewer, _ body: (RPCClient) async throws -> Result
    ) async throws(PageError) -> Result {
        let client = try client(service, as: viewer)
        do {
            return try await body(client)
        } catch let error as RPCError {
            throw PageError.from(error, service: service)
        } catch let error as PageError {
            throw error
        } catch {
            // Not a status the service chose: its description (a decoder's, a type's, a path)
            // is for the console's operators, never for a browser (as `Console.respond` hides it).
            throw PageError(status: 502, title: "Service error", message: "\(service): the answer could not be used")
        }
    }
}

/// Writes, for one service, its method descriptors, the protocol a server implements (with its
/// registration into a `Router`) and a typed client.
struct ServiceEmitter {
    let service: ServiceDescriptor
    let package: String
    let module: String
    let registry: TypeRegistry
    let comments: [[Int32]: String]
    let path: [Int32]

    /// One method with its Swift names and types.
    struct Method {
        var name: String
        var swiftName: String
        var request: String
        var response: String
        var kind: String
        var comment: String?
    }

    func emit(into printer: inout CodePrinter) throws(GeneratorError) {
        let fullName = package.isEmpty ? service.name : package + "." + service.name
        var methods: [Method] = []
        for (index, method) in service.methods.enumerated() {
            let kind =
                switch (method.clientStreaming, method.serverStreaming) {
                case (false, false): "unary"
                case (true, false): "clientStreaming"
                case (false, true): "serverStreaming"
                case (true, true): "bidirectionalStreaming"
                }
            methods.append(
                Method(
                    name: method.name,
                    swiftName: SwiftNaming.escaped(method.name.prefix(1).lowercased() + method.name.dropFirst()),
                    request: try registry.swiftName(method.inputType, from: module),
                    response: try registry.swiftName(method.outputType, from: module), kind: kind,
                    comment: comments[path + [2, Int32(index)]]))
        }
        printer.docComment(comments[path] ?? "The `\(fullName)` service.")
        printer.block("public enum \(service.name)") { body in
            emitDescriptors(fullName: fullName, methods: methods, into: &body)
            body.line()
            emitServerProtocol(fullName: fullName, methods: methods, into: &body)
            body.line()
            emitClient(fullName: fullName, methods: methods, into: &body)
        }
        printer.line()
        emitRegistration(fullName: fullName, methods: methods, into: &printer)
    }

    private func emitDescriptors(fullName: String, methods: [Method], into printer: inout CodePrinter) {
        printer.line("/// The fully qualified service name.")
        printer.line("public static let serviceName = \"\(fullName)\"")
        printer.line()
        printer.line("/// The descriptor of each method.")
        printer.block("public enum Method") { descriptors in
            for method in methods {
                descriptors.docComment(method.comment ?? "`\(method.name)`.")
                descriptors.line(
                    "public static let \(method.swiftName) = MethodDescriptor(service: serviceName, method: \"\(method.name)\", kind: .\(method.kind))"
                )
            }
            descriptors.line("/// Every method of the service.")
            descriptors.line(
                "public static let all: [MethodDescriptor] = [\(methods.map(\.swiftName).joined(separator: ", "))]")
        }
    }

    private func emitServerProtocol(fullName: String, methods: [Method], into printer: inout CodePrinter) {
        printer.line("/// The server side of `\(fullName)`: implement it and register it with a router.")
        printer.block("public protocol ServiceProtocol: RegistrableService") { body in
            for method in methods {
                body.docComment(method.comment ?? "`\(method.name)`.")
                body.line("func \(method.swiftName)\(serverSignature(method))")
            }
        }
    }

    private func emitRegistration(fullName: String, methods: [Method], into printer: inout CodePrinter) {
        printer.block("extension \(service.name).ServiceProtocol") { body in
            body.line("/// Adds a handler for each method of `\(fullName)`.")
            body.block("public func register(into router: inout Router)") { register in
                for method in methods {
                    let descriptor = "\(service.name).Method.\(method.swiftName)"
                    switch method.kind {
                    case "unary":
                        register.line(
                            "router.addUnary(\(descriptor)) { (request: \(method.request), context) in try await self.\(method.swiftName)(request, context: context) }"
                        )
                    case "serverStreaming":
                        register.line(
                            "router.addServerStreaming(\(descriptor)) { (request: \(method.request), responses: ResponseWriter<\(method.response)>, context) in try await self.\(method.swiftName)(request, responses: responses, context: context) }"
                        )
                    case "clientStreaming":
                        register.line(
                            "router.addClientStreaming(\(descriptor)) { (requests: RequestStream<\(method.request)>, context) -> \(method.response) in try await self.\(method.swiftName)(requests, context: context) }"
                        )
                    default:
                        register.line(
                            "router.addBidirectionalStreaming(\(descriptor)) { (requests: RequestStream<\(method.request)>, responses: ResponseWriter<\(method.response)>, context) in try await self.\(method.swiftName)(requests, responses: responses, context: context) }"
                        )
                    }
                }
            }
        }
    }

    private func serverSignature(_ method: Method) -> String {
        switch method.kind {
        case "unary":
            "(_ request: \(method.request), context: ServerContext) async throws -> \(method.response)"
        case "serverStreaming":
            "(_ request: \(method.request), responses: ResponseWriter<\(method.response)>, context: ServerContext) async throws"
        case "clientStreaming":
            "(_ requests: RequestStream<\(method.request)>, context: ServerContext) async throws -> \(method.response)"
        default:
            "(_ requests: RequestStream<\(method.request)>, responses: ResponseWriter<\(method.response)>, context: ServerContext) async throws"
        }
    }

    private func emitClient(fullName: String, methods: [Method], into printer: inout CodePrinter) {
        printer.line("/// A typed client of `\(fullName)`.")
        printer.block("public struct Client: Sendable") { body in
            body.line("/// The client calls go through.")
            body.line("public let rpc: RPCClient")
            body.line()
            body.line("/// A client making its calls with `rpc`.")
            body.block("public init(_ rpc: RPCClient)") { $0.line("self.rpc = rpc") }
            for method in methods {
                body.line()
                body.docComment(method.comment ?? "`\(method.name)`.")
                emitClientMethod(method, into: &body)
            }
        }
    }

    private func emitClientMethod(_ method: Method, into printer: inout CodePrinter) {
        let descriptor = "\(service.name).Method.\(method.swiftName)"
        let options = "options: CallOptions = CallOptions()"
        let handler =
            "_ handle: @escaping @Sendable (ResponseStream<\(method.response)>, Metadata) async throws -> Result"
        let requests = "requests: @escaping @Sendable (RequestWriter<\(method.request)>) async throws -> Void"
        switch method.kind {
        case "unary":
            printer.block(
                "public func \(method.swiftName)(_ request: \(method.request), \(options)) async throws -> \(method.response)"
            ) {
                $0.line("try await rpc.unary(\(descriptor), request, options: options)")
            }
        case "serverStreaming":
            printer.block(
                "public func \(method.swiftName)<Result: Sendable>(_ request: \(method.request), \(options), \(handler)) async throws -> Result"
            ) {
                $0.line("try await rpc.serverStreaming(\(descriptor), request, options: options, handle)")
            }
        case "clientStreaming":
            printer.block("public func \(method.swiftName)(\(options), \(requests)) async throws -> \(method.response)")
            {
                $0.line("try await rpc.clientStreaming(\(descriptor), options: options, requests: requests)")
            }
        default:
            printer.block(
                "public func \(method.swiftName)<Result: Sendable>(\(options), \(requests), \(handler)) async throws -> Result"
            ) {
                $0.line(
                    "try await rpc.bidirectionalStreaming(\(descriptor), options: options, requests: requests, handle)")
            }
        }
    }
}

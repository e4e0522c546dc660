import RPC
import ReflectionV1API
import Wire

/// `grpc.reflection.v1.ServerReflection`, answered from a ``ReflectionIndex``.
public struct ReflectionV1Service: ServerReflection.ServiceProtocol {
    private let index: ReflectionIndex

    /// Reflection over `index`.
    public init(index: ReflectionIndex) {
        self.index = index
    }

    /// Answers each request in turn.
    public func serverReflectionInfo(
        _ requests: RequestStream<ServerReflectionRequest>, responses: ResponseWriter<ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await request in requests {
            let answer: ReflectionIndex.Answer =
                switch request.messageRequest {
                case .fileByFilename(let name): index.fileByName(name)
                case .fileContainingSymbol(let symbol): index.fileContaining(symbol: symbol)
                case .listServices: index.listServices()
                case .fileContainingExtension, .allExtensionNumbersOfType:
                    .error(code: 5, message: "this server defines no extensions")
                case nil: .error(code: 3, message: "the request names nothing to look up")
                }
            try await responses.write(
                ServerReflectionResponse.with { response in
                    response.validHost = request.host
                    response.originalRequest = request
                    switch answer {
                    case .files(let files):
                        response.messageResponse = .fileDescriptorResponse(
                            FileDescriptorResponse.with { $0.fileDescriptorProto = files })
                    case .services(let names):
                        response.messageResponse = .listServicesResponse(
                            ListServiceResponse.with { list in
                                list.service = names.map { name in ServiceResponse.with { $0.name = name } }
                            })
                    case .error(let code, let message):
                        response.messageResponse = .errorResponse(
                            ErrorResponse.with {
                                $0.errorCode = code
                                $0.errorMessage = message
                            })
                    }
                })
        }
    }
}

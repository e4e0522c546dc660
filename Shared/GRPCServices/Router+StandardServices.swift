import HealthAPI
import RPC
import ReflectionV1API
import ReflectionV1AlphaAPI
import Wire

extension Router {
    /// The descriptors of the standard services and of the well-known types.
    public static let standardProtoFiles: [ProtoFile] = [
        .grpcHealthV1Health, .grpcReflectionV1Reflection, .grpcReflectionV1alphaReflection, .googleProtobufTimestamp,
        .googleProtobufDuration,
    ]

    /// The largest request message the standard services accept: their requests name a service,
    /// a file or a symbol, and they answer callers without a token, so a peer must not make them
    /// hold megabytes (RESOURCE_EXHAUSTED beyond it).
    public static let standardRequestMessageLimit = 4_096

    /// Adds `grpc.health.v1.Health` (reporting `health`) and server reflection under both
    /// `grpc.reflection.v1` and `grpc.reflection.v1alpha`, describing every service the router
    /// serves from `files` (the generated ``Wire/ProtoFile``s of the service contracts; their
    /// imports must be included).
    public mutating func addStandardServices(health: HealthService, files: [ProtoFile]) {
        health.register(into: &self)
        let services =
            serviceNames.union([
                Health.serviceName, ReflectionV1API.ServerReflection.serviceName,
                ReflectionV1AlphaAPI.ServerReflection.serviceName,
            ])
        let index = ReflectionIndex(files: files + Self.standardProtoFiles, services: Array(services))
        let reflection = ReflectionV1Service(index: index)
        reflection.register(into: &self)
        // v1alpha's messages are v1's, field for field: the same implementation serves both.
        addBidirectionalStreaming(ReflectionV1AlphaAPI.ServerReflection.Method.serverReflectionInfo) {
            (
                requests: RequestStream<ReflectionV1API.ServerReflectionRequest>,
                responses: ResponseWriter<ReflectionV1API.ServerReflectionResponse>, context
            ) in
            try await reflection.serverReflectionInfo(requests, responses: responses, context: context)
        }
        for service in [
            Health.serviceName, ReflectionV1API.ServerReflection.serviceName,
            ReflectionV1AlphaAPI.ServerReflection.serviceName,
        ] {
            limitRequestMessages(ofService: service, to: Self.standardRequestMessageLimit)
        }
    }
}

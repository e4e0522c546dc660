import CNGHTTP2
import RPC

/// How a client turns what the server sent into a gRPC status, as PROTOCOL-HTTP2 says.
enum ResponseStatus {
    /// The status for an HTTP response that is not `200`.
    static func fromHTTPStatus(_ status: Int) -> RPCError {
        let code: StatusCode =
            switch status {
            case 400: .internal
            case 401: .unauthenticated
            case 403: .permissionDenied
            case 404: .unimplemented
            case 429, 502, 503, 504: .unavailable
            default: .unknown
            }
        return RPCError(code, "the server answered HTTP \(status)")
    }

    /// The status for a stream reset with `errorCode` before a status arrived.
    static func fromReset(_ errorCode: UInt32) -> RPCError {
        switch errorCode {
        case NGHTTP2_REFUSED_STREAM.rawValue: RPCError(.unavailable, "the server refused the stream")
        case NGHTTP2_CANCEL.rawValue: RPCError(.cancelled, "the server cancelled the call")
        case NGHTTP2_ENHANCE_YOUR_CALM.rawValue: RPCError(.resourceExhausted, "the server asked to slow down")
        case NGHTTP2_INADEQUATE_SECURITY.rawValue: RPCError(.permissionDenied, "the server requires stronger security")
        default: RPCError(.internal, "the stream was reset (HTTP/2 error \(errorCode)) before a status arrived")
        }
    }

    /// The status carried by trailers (or a Trailers-Only header block): `grpc-status`,
    /// `grpc-message`, and the rest as metadata.
    static func fromTrailers(_ headers: HeaderList) -> RPCError {
        var code: StatusCode?
        var message = ""
        for (name, value) in headers {
            switch name {
            case "grpc-status": code = Int(value).map(StatusCode.init(wireValue:))
            case "grpc-message": message = PercentEncoding.decode(value)
            default: continue
            }
        }
        let metadata = HeaderMetadata.decode(headers)
        guard let code else { return RPCError(.internal, "the response ended without grpc-status", metadata: metadata) }
        return RPCError(code, message, metadata: metadata)
    }
}

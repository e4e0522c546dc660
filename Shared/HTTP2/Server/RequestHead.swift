import RPC

/// A gRPC request's headers, validated: what the server needs to route and run the call.
package struct RequestHead {
    /// Why the headers cannot start a gRPC call, and how to answer.
    package enum Rejection: Error, Equatable {
        /// Answer with this HTTP status and no gRPC status (wrong method or content type).
        case http(status: Int, reason: String)
        /// Answer with this gRPC status (Trailers-Only).
        case grpc(code: StatusCode, message: String)
    }

    /// The `:path`.
    package var path: String
    /// The timeout from `grpc-timeout`.
    package var timeout: Duration?
    /// Whether request messages may be gzip-compressed (`grpc-encoding: gzip`).
    package var requestEncodingIsGzip: Bool
    /// Whether the client accepts gzip-compressed responses.
    package var acceptsGzip: Bool
    /// Custom metadata: every header except pseudo-headers and those gRPC reserves.
    package var metadata: Metadata

    /// Validates `headers` as PROTOCOL-HTTP2 requires of a request.
    package init(_ headers: HeaderList) throws(Rejection) {
        var method: String?
        var path: String?
        var contentType: String?
        var timeout: Duration?
        var encoding: String?
        var acceptEncoding = ""
        for (name, value) in headers {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case "content-type": contentType = value
            case "grpc-timeout":
                guard let parsed = GRPCTimeout.parse(value) else {
                    throw .grpc(code: .invalidArgument, message: "grpc-timeout '\(value)' is malformed")
                }
                timeout = parsed
            case "grpc-encoding": encoding = value
            case "grpc-accept-encoding": acceptEncoding = value
            default: continue
            }
        }
        guard method == "POST" else {
            throw .http(status: 405, reason: "gRPC requests use POST, not \(method ?? "no method")")
        }
        guard let contentType,
            contentType == "application/grpc" || contentType.hasPrefix("application/grpc+")
                || contentType.hasPrefix("application/grpc;")
        else {
            throw .http(status: 415, reason: "content-type \(contentType ?? "(none)") is not application/grpc")
        }
        guard let path, path.hasPrefix("/") else {
            throw .grpc(code: .unimplemented, message: "the request has no method path")
        }
        switch encoding {
        case nil, "identity": self.requestEncodingIsGzip = false
        case "gzip": self.requestEncodingIsGzip = true
        case .some(let other):
            throw .grpc(
                code: .unimplemented, message: "grpc-encoding '\(other)' is not supported; use gzip or identity")
        }
        self.path = path
        self.timeout = timeout
        self.acceptsGzip = acceptEncoding.split(separator: ",").contains { $0.trimmingSpaces == "gzip" }
        self.metadata = HeaderMetadata.decode(headers)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}

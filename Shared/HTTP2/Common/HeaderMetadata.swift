import RPC
import Wire

/// The custom metadata in a block of HTTP/2 headers, for requests, response headers and trailers
/// alike: everything except pseudo-headers and the headers gRPC itself defines, `-bin` values
/// base64-decoded (undecodable ones dropped).
package enum HeaderMetadata {
    /// Headers that are part of the protocol rather than metadata (with HTTP/2's
    /// connection-specific headers, which it forbids).
    static let reserved: Set<String> = [
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-status",
        "grpc-message", "content-length", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
        "upgrade",
    ]

    /// The metadata of `headers`.
    package static func decode(_ headers: HeaderList) -> Metadata {
        var metadata = Metadata()
        for (name, value) in headers where !name.hasPrefix(":") && !reserved.contains(name) {
            if name.hasSuffix("-bin") {
                if let bytes = Base64.decode(value) { metadata.add(name, binary: bytes) }
            } else {
                metadata.add(name, value)
            }
        }
        return metadata
    }
}

import RPC
import Wire

/// The header blocks a gRPC server sends.
enum ResponseHeaders {
    /// The encodings the server accepts, sent as `grpc-accept-encoding`.
    static let acceptEncoding = "identity,gzip"

    /// Initial headers of a response that will carry messages.
    static func initial(compressed: Bool, metadata: Metadata) -> HeaderList {
        var headers: HeaderList = [(":status", "200"), ("content-type", "application/grpc")]
        if compressed { headers.append(("grpc-encoding", "gzip")) }
        headers.append(("grpc-accept-encoding", acceptEncoding))
        append(metadata, to: &headers)
        return headers
    }

    /// The most UTF-8 bytes of a status message sent in `grpc-message`: messages may quote what a
    /// caller sent, and a header block nghttp2 cannot send (over 64 KiB) would leave the call
    /// without any status.
    static let maximumMessageBytes = 1_024

    /// Trailers carrying the status.
    static func trailers(code: StatusCode, message: String, metadata: Metadata) -> HeaderList {
        var headers: HeaderList = [("grpc-status", String(code.rawValue))]
        if !message.isEmpty { headers.append(("grpc-message", PercentEncoding.encode(shortened(message)))) }
        append(metadata, to: &headers)
        return headers
    }

    /// `message`, or its first whole Unicode scalars within ``maximumMessageBytes`` followed by "...".
    static func shortened(_ message: String) -> String {
        guard message.utf8.count > maximumMessageBytes else { return message }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in message.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= maximumMessageBytes - 3 else { break }
            kept.append(scalar)
        }
        return String(kept) + "..."
    }

    /// A Trailers-Only response: one HEADERS frame with the status and END_STREAM.
    static func trailersOnly(code: StatusCode, message: String, headers: Metadata, trailers: Metadata) -> HeaderList {
        var block: HeaderList = [(":status", "200"), ("content-type", "application/grpc")]
        block.append(("grpc-accept-encoding", acceptEncoding))
        block += Self.trailers(code: code, message: message, metadata: trailers)
        append(headers, to: &block)
        return block
    }

    /// Adds metadata entries, binary values base64-encoded. Entries named like a pseudo-header or
    /// a header gRPC or HTTP/2 itself defines (``HeaderMetadata/reserved``) are left out: metadata
    /// may never restate a call's status or content type, nor make nghttp2 refuse the whole block
    /// (a connection-specific header), whoever set it.
    static func append(_ metadata: Metadata, to headers: inout HeaderList) {
        for entry in metadata where !entry.key.hasPrefix(":") && !HeaderMetadata.reserved.contains(entry.key) {
            switch entry.value {
            case .string(let value): headers.append((entry.key, value))
            case .binary(let bytes): headers.append((entry.key, Base64.encode(bytes)))
            }
        }
    }
}

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
        var budget = maximumMetadataBytes
        append(metadata, to: &headers, budget: &budget)
        return headers
    }

    /// The most bytes of metadata one response block carries, counted as HTTP/2 counts a header
    /// list (each entry's name, value and 32): entries past it are left out, so that the block
    /// (with its status and a ``maximumMessageBytes`` message) stays well within the 64 KiB
    /// nghttp2 sends. A larger block is never sent and the stream stays open: the client waited
    /// for a status until its deadline, or for ever.
    static let maximumMetadataBytes = 32 * 1_024

    /// The most UTF-8 bytes of a status message sent in `grpc-message`: messages may quote what a
    /// caller sent, and a header block nghttp2 cannot send (over 64 KiB) would leave the call
    /// without any status.
    static let maximumMessageBytes = 1_024

    /// Trailers carrying the status.
    static func trailers(code: StatusCode, message: String, metadata: Metadata) -> HeaderList {
        var headers = status(code: code, message: message)
        var budget = maximumMetadataBytes
        append(metadata, to: &headers, budget: &budget)
        return headers
    }

    /// `grpc-status`, and `grpc-message` unless `message` is empty.
    private static func status(code: StatusCode, message: String) -> HeaderList {
        var headers: HeaderList = [("grpc-status", String(code.rawValue))]
        if !message.isEmpty { headers.append(("grpc-message", PercentEncoding.encode(shortened(message)))) }
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
        block += status(code: code, message: message)
        // One block, one budget: the trailers' entries first.
        var budget = maximumMetadataBytes
        append(trailers, to: &block, budget: &budget)
        append(headers, to: &block, budget: &budget)
        return block
    }

    /// Adds metadata entries, binary values base64-encoded. Entries HTTP/2 cannot carry
    /// (``HeaderMetadata/isSendable(_:)``: a reserved or pseudo-header name, a name or a value with
    /// a character a header may not hold) are left out, whoever set them: metadata may never
    /// restate a call's status or content type, and an entry the peer's nghttp2 refuses resets
    /// the whole stream, which ends the call without its status.
    static func append(_ metadata: Metadata, to headers: inout HeaderList) {
        var unlimited = Int.max
        append(metadata, to: &headers, budget: &unlimited)
    }

    /// Adds the sendable entries of `metadata` that fit in `budget` (bytes as HTTP/2 counts a
    /// header list), taking from it what they use.
    static func append(_ metadata: Metadata, to headers: inout HeaderList, budget: inout Int) {
        for entry in metadata where HeaderMetadata.isSendable(entry) {
            let value: String
            switch entry.value {
            case .string(let text): value = text
            case .binary(let bytes): value = Base64.encode(bytes)
            }
            let size = HeaderFieldSize.of(nameBytes: entry.key.utf8.count, valueBytes: value.utf8.count)
            guard size <= budget else { continue }
            budget -= size
            headers.append((entry.key, value))
        }
    }
}

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

    /// Whether `entry` may go into a header block: not reserved nor a pseudo-header, a name of
    /// lowercase token characters, and a string value an HTTP/2 field value may be (RFC 9113: no
    /// control character but a tab, no space or tab at either end), as nghttp2 checks what it
    /// receives. A binary value is always sendable (base64).
    static func isSendable(_ entry: Metadata.Entry) -> Bool {
        guard !entry.key.isEmpty, entry.key.utf8.allSatisfy(isNameByte), !reserved.contains(entry.key) else {
            return false
        }
        guard case .string(let value) = entry.value else { return true }
        let bytes = value.utf8
        if let first = bytes.first, first == 0x20 || first == 0x09 { return false }
        if let last = bytes.last, last == 0x20 || last == 0x09 { return false }
        return bytes.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) || $0 >= 0x80 }
    }

    /// A byte of a header name as HTTP/2 allows it: a lowercase token character (RFC 9110).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x30...0x39: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

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

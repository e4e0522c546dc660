import HTTP2

/// Request-head, metadata, `grpc-timeout` and `grpc-message` parsing. The input is a header
/// list: names and values separated by NUL bytes (`name\0value\0name\0value...`), each taken
/// as UTF-8 the way the transport takes nghttp2's bytes. Nothing may crash, and:
/// - a `grpc-timeout` that parses formats back to one at least as long (never a shorter deadline);
/// - percent-encoding any value and decoding it gives the value back.
public enum RequestHeadTarget {
    /// Parses `bytes` as a request's headers.
    public static func check(_ bytes: UnsafeRawBufferPointer) -> String? {
        let headers = headerList(bytes)
        _ = try? RequestHead(headers)
        _ = HeaderMetadata.decode(headers)
        for (_, value) in headers {
            if let timeout = GRPCTimeout.parse(value) {
                let formatted = GRPCTimeout.format(timeout)
                guard let again = GRPCTimeout.parse(formatted), again >= timeout else {
                    return "grpc-timeout '\(value)' (\(timeout)) formats as '\(formatted)', a shorter or unreadable one"
                }
            }
            let encoded = PercentEncoding.encode(value)
            guard PercentEncoding.decode(encoded) == value else {
                return "percent-encoding '\(value)' as '\(encoded)' does not decode back"
            }
        }
        return nil
    }

    /// The header list in `bytes`: NUL-separated names and values (a last name without a value
    /// gets an empty one).
    package static func headerList(_ bytes: UnsafeRawBufferPointer) -> HeaderList {
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        return stride(from: 0, to: fields.count, by: 2).map { index in
            (name: fields[index], value: index + 1 < fields.count ? fields[index + 1] : "")
        }
    }
}

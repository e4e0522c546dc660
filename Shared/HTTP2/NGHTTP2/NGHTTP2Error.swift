import CNGHTTP2

/// An nghttp2 call that failed: which call, and nghttp2's error code.
struct NGHTTP2Error: Error, Equatable, CustomStringConvertible {
    /// The C function that failed, such as `nghttp2_submit_response`.
    var operation: String
    /// nghttp2's error code (one of the negative `NGHTTP2_ERR_*` values).
    var code: Int32

    /// Whether nghttp2 considers the session unusable after this error.
    var isFatal: Bool { nghttp2_is_fatal(code) != 0 }

    var description: String {
        "\(operation) failed: \(String(cString: nghttp2_strerror(code))) (\(code))"
    }

    /// Throws when `result` (an nghttp2 return value) is an error.
    static func check(_ result: Int32, _ operation: String) throws(NGHTTP2Error) {
        if result < 0 { throw NGHTTP2Error(operation: operation, code: result) }
    }
}

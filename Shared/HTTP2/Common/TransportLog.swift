import Logging

/// The transport's log: why a connection or a stream was closed when nghttp2 or OpenSSL refused
/// a call.
enum TransportLog {
    /// The logger every transport type writes to.
    static let logger = Logger(label: "http2")

    /// Logs `message` as an error.
    static func error(_ message: String) {
        logger.error("\(message)")
    }

    /// Logs `message` as a warning: a peer's fault more often than ours (a failed handshake).
    static func warning(_ message: String) {
        logger.warning("\(message)")
    }
}

import COpenSSL

/// Why a TLS operation failed, with OpenSSL's reason.
enum TLSError: Error, Equatable, CustomStringConvertible {
    /// The `SSL` object could not be set up (`SSL_new`, the BIOs, SNI or the verified hostname).
    case setup(step: String, reason: String)
    /// Ciphertext from the network could not be handed to OpenSSL (`BIO_write`).
    case input(reason: String)
    /// The handshake failed; `verification` is the certificate verification error, if that was
    /// the cause ("hostname mismatch", "certificate has expired", ...).
    case handshake(reason: String, verification: String?)
    /// The peer did not agree to `h2` (ALPN).
    case applicationProtocolNotNegotiated
    /// `SSL_read` failed.
    case read(reason: String)
    /// `SSL_write` failed: the plaintext was not encrypted.
    case write(reason: String)
    /// `SSL_shutdown` failed.
    case shutdown(reason: String)

    var description: String {
        switch self {
        case .setup(let step, let reason): "TLS: \(step) failed: \(reason)"
        case .input(let reason): "TLS: BIO_write failed: \(reason)"
        case .handshake(let reason, let verification):
            "TLS: the handshake failed: \(reason)" + (verification.map { " (certificate: \($0))" } ?? "")
        case .applicationProtocolNotNegotiated: "TLS: the peer did not negotiate h2 (ALPN)"
        case .read(let reason): "TLS: SSL_read failed: \(reason)"
        case .write(let reason): "TLS: SSL_write failed: \(reason)"
        case .shutdown(let reason): "TLS: SSL_shutdown failed: \(reason)"
        }
    }

    /// OpenSSL's reasons queued on this thread (emptying the queue), or `fallback` if none.
    static func drainReasons(or fallback: String) -> String {
        var reasons: [String] = []
        var code = ERR_get_error()
        while code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            code = ERR_get_error()
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}

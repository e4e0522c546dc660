import COpenSSL
import NIOCore

/// One OpenSSL `SSL` object and its two memory BIOs, with no channel: ciphertext from the peer
/// goes in with ``feed(_:)``, ciphertext for the peer comes out of ``takeCiphertext(allocator:)``;
/// plaintext goes through ``read(into:)`` and ``write(_:)``. Every OpenSSL result is checked and
/// returned as a ``TLSResult`` or thrown as a ``TLSError``; OpenSSL's per-thread error queue is
/// cleared before each call (it is shared by every connection on the thread). The
/// `OpenSSLHandler` drives it on a channel; tests drive two of them against each other.
/// Not thread-safe: confined to one event loop.
final class TLSConnection {
    /// Which side of the handshake this is.
    enum Role {
        case server
        case client
    }

    private let ssl: OpaquePointer
    private let input: OpaquePointer
    private let output: OpaquePointer
    /// Keeps the shared `SSL_CTX` alive as long as this connection.
    private let context: OpenSSLContext
    /// `SSL_read`'s scratch space.
    private static let readChunk = 16 * 1024

    /// A connection in `role`; a client sends SNI and verifies the server's certificate against
    /// the context's server hostname. Throws if any of that cannot be set up.
    init(context: OpenSSLContext, role: Role) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw .setup(step: "SSL_new", reason: TLSError.drainReasons(or: "out of memory"))
        }
        guard let input = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .setup(step: "BIO_new", reason: TLSError.drainReasons(or: "out of memory"))
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            SSL_free(ssl)
            throw .setup(step: "BIO_new", reason: TLSError.drainReasons(or: "out of memory"))
        }
        SSL_set_bio(ssl, input, output)  // the SSL now owns both BIOs
        self.ssl = ssl
        self.input = input
        self.output = output
        self.context = context
        switch role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let hostname = context.serverHostname { try verifyServer(hostname) }
        }
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs too
    }

    /// Sends `hostname` as SNI and requires the server certificate to carry it; without it,
    /// verification would accept any certificate from the trusted roots.
    private func verifyServer(_ hostname: String) throws(TLSError) {
        guard !hostname.isEmpty, !hostname.utf8.contains(0) else {
            throw .setup(step: "SSL_set1_host", reason: "the server hostname is empty or contains NUL")
        }
        ERR_clear_error()
        if Self.isIPAddress(hostname) {
            // Not a valid SNI name (RFC 6066): only verified, against the certificate's IP entries.
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), hostname) == 1 else {
                throw .setup(
                    step: "X509_VERIFY_PARAM_set1_ip_asc \(hostname)", reason: TLSError.drainReasons(or: "refused"))
            }
            return
        }
        guard copenssl_set_tlsext_host_name(ssl, hostname) == 1 else {
            throw .setup(step: "SNI \(hostname)", reason: TLSError.drainReasons(or: "refused"))
        }
        guard SSL_set1_host(ssl, hostname) == 1 else {
            throw .setup(step: "SSL_set1_host \(hostname)", reason: TLSError.drainReasons(or: "refused"))
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        (try? SocketAddress(ipAddress: name, port: 0)) != nil
    }

    /// Advances the handshake; `.complete` once it is done (ALPN's result is then in
    /// ``negotiatedProtocol``). Its output, if any, waits in ``takeCiphertext(allocator:)``.
    func handshake() -> TLSResult<Void> {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .complete(()) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        default:
            let verification = SSL_get_verify_result(ssl)
            let verificationError =
                verification == Int(X509_V_OK) ? nil : String(cString: X509_verify_cert_error_string(verification))
            return .failed(.handshake(reason: TLSError.drainReasons(or: "closed"), verification: verificationError))
        }
    }

    /// Whether the handshake has completed.
    var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }

    /// The protocol ALPN chose, or nil if none was.
    var negotiatedProtocol: String? {
        var name: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &name, &length)
        guard let name, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }

    /// Hands ciphertext received from the peer to OpenSSL, all of it or an error.
    func feed(_ ciphertext: ByteBuffer) throws(TLSError) {
        var remaining = ciphertext
        while remaining.readableBytes > 0 {
            ERR_clear_error()
            let chunk = min(remaining.readableBytes, Int(Int32.max))
            let written = remaining.withUnsafeReadableBytes { bytes in
                BIO_write(input, bytes.baseAddress, Int32(chunk))
            }
            guard written > 0, Int(written) <= chunk else {
                throw .input(reason: TLSError.drainReasons(or: "BIO_write returned \(written)"))
            }
            remaining.moveReaderIndex(forwardBy: Int(written))
        }
    }

    /// Decrypts what is available into `buffer`: `.complete(count)` with count > 0 bytes read,
    /// `.complete(0)` once the peer has sent close_notify, `.incomplete` when more ciphertext is
    /// needed.
    func read(into buffer: inout ByteBuffer) -> TLSResult<Int> {
        ERR_clear_error()
        var result: Int32 = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readChunk) { bytes in
            result = SSL_read(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
            return Int(max(0, result))
        }
        if result > 0 { return .complete(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        case SSL_ERROR_ZERO_RETURN:
            return .complete(0)
        default:
            return .failed(.read(reason: TLSError.drainReasons(or: "the connection failed")))
        }
    }

    /// Encrypts all of `plaintext` in one `SSL_write` (OpenSSL writes whole buffers unless
    /// partial writes are enabled, and the memory BIO never pushes back); the records wait in
    /// ``takeCiphertext(allocator:)``. `.incomplete` when OpenSSL needs input first.
    func write(_ plaintext: ByteBuffer) -> TLSResult<Void> {
        guard plaintext.readableBytes > 0 else { return .complete(()) }
        guard plaintext.readableBytes <= Int(Int32.max) else {
            return .failed(.write(reason: "\(plaintext.readableBytes) bytes is more than one SSL_write takes"))
        }
        ERR_clear_error()
        let written = plaintext.withUnsafeReadableBytes { bytes in
            SSL_write(ssl, bytes.baseAddress, Int32(bytes.count))
        }
        if Int(written) == plaintext.readableBytes { return .complete(()) }
        switch SSL_get_error(ssl, written) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        default:
            return .failed(.write(reason: TLSError.drainReasons(or: "SSL_write returned \(written)")))
        }
    }

    /// Sends close_notify: `.complete` once the peer's close_notify has also been received,
    /// `.incomplete` while it has not (this side's alert is sent either way).
    func shutdown() -> TLSResult<Void> {
        ERR_clear_error()
        let result = SSL_shutdown(ssl)
        if result == 1 { return .complete(()) }
        if result == 0 { return .incomplete }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        default:
            return .failed(.shutdown(reason: TLSError.drainReasons(or: "SSL_shutdown returned \(result)")))
        }
    }

    /// The ciphertext OpenSSL has produced for the peer, or nil if there is none.
    func takeCiphertext(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = copenssl_bio_pending(output)
        guard pending > 0, pending <= Int32.max else { return nil }
        var buffer = allocator.buffer(capacity: Int(pending))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Int(pending)) { bytes in
            Int(max(0, BIO_read(output, bytes.baseAddress, Int32(pending))))
        }
        return buffer.readableBytes > 0 ? buffer : nil
    }
}

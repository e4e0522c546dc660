import COpenSSL

/// An OpenSSL `SSL_CTX` configured for gRPC: TLS 1.3 only, ALPN `h2` only, certificates from
/// PEM files, peer verification when trust roots are given (mTLS on a server). Immutable once
/// built, so it is shared by every connection.
final class OpenSSLContext: @unchecked Sendable {
    /// Why TLS could not be set up.
    struct Failure: Error, CustomStringConvertible {
        /// What failed, with OpenSSL's reason.
        var description: String
    }

    let context: OpaquePointer
    /// For clients: the name the server certificate must carry.
    let serverHostname: String?

    /// A server context.
    init(server configuration: TLSConfiguration) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw Self.failure("SSL_CTX_new") }
        self.context = context
        self.serverHostname = nil
        try configureCommon(configuration)
        guard configuration.certificateChainFile != nil, configuration.privateKeyFile != nil else {
            throw Failure(description: "a TLS server needs a certificate chain and a private key")
        }
        SSL_CTX_set_alpn_select_cb(context, selectH2, nil)
        if configuration.trustRootsFile != nil {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
    }

    /// A client context offering `applicationProtocols` in ALPN (gRPC: `h2`; tests offer others).
    init(client configuration: TLSConfiguration, applicationProtocols: [String] = ["h2"]) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Self.failure("SSL_CTX_new") }
        self.context = context
        self.serverHostname = configuration.serverHostname
        try configureCommon(configuration)
        if configuration.trustRootsFile == nil { SSL_CTX_set_default_verify_paths(context) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard !applicationProtocols.isEmpty else { return }
        var protocols: [UInt8] = []
        for name in applicationProtocols {
            guard (1...255).contains(name.utf8.count) else {
                throw Failure(description: "TLS: bad ALPN name '\(name)'")
            }
            protocols.append(UInt8(name.utf8.count))
            protocols += name.utf8
        }
        // Unlike most of OpenSSL, SSL_CTX_set_alpn_protos returns 0 on success.
        guard SSL_CTX_set_alpn_protos(context, &protocols, UInt32(protocols.count)) == 0 else {
            throw Self.failure("SSL_CTX_set_alpn_protos")
        }
    }

    deinit {
        SSL_CTX_free(context)
    }

    private func configureCommon(_ configuration: TLSConfiguration) throws {
        guard copenssl_set_min_tls13(context) == 1 else { throw Self.failure("TLS 1.3 minimum") }
        if let chain = configuration.certificateChainFile {
            guard SSL_CTX_use_certificate_chain_file(context, chain) == 1 else {
                throw Self.failure("loading the certificate chain \(chain)")
            }
        }
        if let key = configuration.privateKeyFile {
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1,
                SSL_CTX_check_private_key(context) == 1
            else { throw Self.failure("loading the private key \(key)") }
        }
        if let roots = configuration.trustRootsFile {
            guard SSL_CTX_load_verify_locations(context, roots, nil) == 1 else {
                throw Self.failure("loading the trust roots \(roots)")
            }
        }
    }

    /// An error naming `step` and OpenSSL's most recent reason.
    static func failure(_ step: String) -> Failure {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Failure(description: "TLS: \(step) failed: \(reason)")
    }
}

/// ALPN on the server: `h2` or nothing (the handshake then fails, as gRPC requires).
private func selectH2(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?, _ inputLength: UInt32, _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let input, let out, let outLength else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    var index = 0
    while index < Int(inputLength) {
        let length = Int(input[index])
        if length == 2, index + 2 < Int(inputLength), input[index + 1] == UInt8(ascii: "h"),
            input[index + 2] == UInt8(ascii: "2")
        {
            out.pointee = input + index + 1
            outLength.pointee = 2
            return SSL_TLSEXT_ERR_OK
        }
        index += 1 + length
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}

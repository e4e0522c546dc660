import HTTP2

/// The TLS files of ``PeerTLSOptions`` with their environment fallbacks applied. Which
/// combinations are valid depends on the process: a service checks its own.
public struct PeerTLSFiles: Sendable, Equatable {
    /// PEM certificate chain (`--tls-cert`).
    public var certificate: String?
    /// Its PEM private key (`--tls-key`).
    public var key: String?
    /// PEM CA bundle (`--tls-ca`).
    public var trustRoots: String?

    /// Resolves `options`, filling absent flags from `environment`.
    public init(options: PeerTLSOptions, environment: [String: String]) {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        certificate = value(options.tlsCert, "SUPPORT_TLS_CERT")
        key = value(options.tlsKey, "SUPPORT_TLS_KEY")
        trustRoots = value(options.tlsCa, "SUPPORT_TLS_CA")
    }

    /// The TLS a client uses towards peers: on when a CA is set (verifying the peers with it,
    /// presenting the certificate if there is one), nil (plaintext h2c) otherwise.
    public var clientTLS: TLSConfiguration? {
        guard let trustRoots else { return nil }
        return TLSConfiguration(certificateChainFile: certificate, privateKeyFile: key, trustRootsFile: trustRoots)
    }
}

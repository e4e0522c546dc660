/// TLS 1.3 with ALPN `h2`, through the system OpenSSL. Files are PEM.
public struct TLSConfiguration: Sendable {
    /// This side's certificate chain.
    public var certificateChainFile: String?
    /// This side's private key.
    public var privateKeyFile: String?
    /// Certificates that verify the peer; for a server, setting it requires client certificates
    /// (mTLS).
    public var trustRootsFile: String?
    /// For clients: the name the server's certificate must carry (SNI and verification).
    public var serverHostname: String?

    /// A TLS configuration from PEM files.
    public init(
        certificateChainFile: String? = nil, privateKeyFile: String? = nil, trustRootsFile: String? = nil,
        serverHostname: String? = nil
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.trustRootsFile = trustRootsFile
        self.serverHostname = serverHostname
    }
}

import ArgumentParser

/// The TLS flags shared by every service and the console (`@OptionGroup`): the certificate a
/// process presents (a service serves it, and both present it to peers for mTLS) and the CA that
/// verifies the other side. Each falls back to the environment variable its help names; see
/// ``PeerTLSFiles`` for the values they resolve to.
public struct PeerTLSOptions: ParsableArguments {
    @Option(
        help:
            "PEM certificate chain: a service serves it, and presents it to peers for mTLS (SUPPORT_TLS_CERT); with --tls-key."
    )
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (SUPPORT_TLS_KEY).")
    var tlsKey: String?

    @Option(
        help:
            "PEM CA bundle: peers are reached over TLS verified by it (plaintext h2c when unset), and a service requires client certificates it signed (SUPPORT_TLS_CA)."
    )
    var tlsCa: String?

    /// Flags as parsed; ``PeerTLSFiles`` applies the environment fallbacks.
    public init() {}
}

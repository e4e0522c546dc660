import Foundation

/// Where a service's PostgreSQL database is: `postgres://user[:password]@host[:port]/database`
/// (`postgresql://` too), with `?sslmode=disable|prefer|require` (default `require`, or `prefer`,
/// as libpq, for a loopback host: `localhost`, 127.0.0.0/8, `::1`). The
/// password may instead come from a file or the environment (see
/// ``init(parsing:passwordFile:environment:)``); ``description`` never shows it.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plaintext only.
        case disable
        /// TLS if the server offers it, else plaintext.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to connect as.
    public var user: String
    /// The role's password, if any.
    public var password: String?
    /// The database's name.
    public var database: String
    /// How TLS is used.
    public var tls: TLSMode

    /// Parses `text`; the password comes from the URL, else from the first line of
    /// `passwordFile`, else from `PGPASSWORD` in `environment`. Throws ``DatabaseURLError``
    /// naming what is wrong (never the password).
    public init(parsing text: String, passwordFile: String? = nil, environment: [String: String] = [:])
        throws(DatabaseURLError)
    {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw DatabaseURLError("is not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw DatabaseURLError("names no host") }
        self.host = host
        let port = components.port ?? 5_432
        guard (1...65_535).contains(port) else { throw DatabaseURLError("has a port outside 1-65535") }
        self.port = port
        guard let user = components.user, !user.isEmpty else { throw DatabaseURLError("names no user") }
        self.user = user
        let name = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !name.isEmpty, !name.contains("/") else { throw DatabaseURLError("names no database (…/NAME)") }
        database = name
        let mode =
            components.queryItems?.first { $0.name == "sslmode" }?.value
            ?? (Self.isLoopback(host) ? "prefer" : "require")
        guard let tls = TLSMode(rawValue: mode) else {
            throw DatabaseURLError("has sslmode '\(mode)' (expected disable, prefer or require)")
        }
        self.tls = tls
        if let inURL = components.password {
            password = inURL
        } else if let passwordFile {
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw DatabaseURLError("password file '\(passwordFile)' cannot be read")
            }
            password = contents.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        } else {
            password = environment["PGPASSWORD"]
        }
    }

    /// Whether `host` names this machine (`localhost`, 127.0.0.0/8, `::1`): the only hosts where a
    /// URL without `sslmode` may fall back to plaintext. Anywhere else, `prefer` would let anyone on
    /// the path strip TLS, so the default there is `require`.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        let isIPv4Loopback = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        return bare.lowercased() == "localhost" || bare == "::1" || isIPv4Loopback
    }

    /// The URL without its password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}

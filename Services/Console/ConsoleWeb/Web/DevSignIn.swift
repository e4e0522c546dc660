import Crypto
import Foundation
import Runtime

/// The development sign-in (`--dev-sign-in`, off by default): mints a token with the local
/// identity provider's key (data/keys/identity-provider.pem, as `supportctl --as` does) for the
/// staff member and role a developer picks. Never on in production, where the platform's identity
/// provider issues the tokens.
public struct DevSignIn: Sendable {
    /// The roles it mints (a customer too, to see what a customer's token gets: nothing).
    public static let roles: [Role] = [.agent, .auditor, .customer]
    /// How long its tokens live.
    public let lifetime: Int
    private let minter: TokenMinter

    /// A sign-in minting with `minter` tokens of `lifetime` seconds.
    public init(minter: TokenMinter, lifetime: Int) {
        self.minter = minter
        self.lifetime = lifetime
    }

    /// A sign-in minting with the PEM P-256 private key at `path`.
    public init(keyFile path: String, issuer: String, audience: String, lifetime: Int) throws {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let key = try? P256.Signing.PrivateKey(pemRepresentation: pem)
        else { throw DevSignInError(path: path) }
        self.init(minter: TokenMinter(key: key, issuer: issuer, audience: audience), lifetime: lifetime)
    }

    /// A token for `subject` as `role`; the subject is 1 to 64 of letters, digits, `-`, `_`, `.`.
    public func mint(subject: String, role: Role) throws(PageError) -> String {
        guard (1...64).contains(subject.count),
            subject.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            })
        else { throw PageError.badRequest("a staff id is 1 to 64 letters, digits, '-', '_' or '.'") }
        guard Self.roles.contains(role) else {
            throw PageError.badRequest("the development sign-in has no role \(role)")
        }
        do {
            return try minter.mint(subject: subject, role: role, lifetime: Double(lifetime))
        } catch {
            throw PageError(status: 500, title: "Sign-in failed", message: "the token could not be signed")
        }
    }
}

/// The development sign-in's key could not be read.
public struct DevSignInError: Error, CustomStringConvertible {
    /// The key file.
    public let path: String
    /// What went wrong.
    public var description: String { "--dev-sign-in-key: '\(path)' is not a readable PEM P-256 private key" }
}

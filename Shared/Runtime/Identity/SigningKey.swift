import Crypto
import Foundation

/// A service's own private key and its key id: what it signs its service tokens (and Oversight its
/// checkpoints) with. Verifiers find the matching public key in their ``TokenKeyRing`` by `keyID`.
public struct SigningKey: Sendable {
    /// The key's raw representation: swift-crypto's key types are not Sendable on Linux.
    private let keyBytes: Data
    /// The key id (by default the public key's RFC 7638 thumbprint).
    public let keyID: String

    /// `key`, named `keyID` (nil: its thumbprint).
    public init(key: P256.Signing.PrivateKey, keyID: String? = nil) {
        self.keyBytes = key.rawRepresentation
        self.keyID = keyID ?? TokenKey.thumbprint(of: key.publicKey)
    }

    /// The public key verifiers hold.
    public var publicKey: P256.Signing.PublicKey? {
        try? P256.Signing.PrivateKey(rawRepresentation: keyBytes).publicKey
    }

    /// An ES256 signature (raw r||s, 64 bytes) of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let key = try P256.Signing.PrivateKey(rawRepresentation: keyBytes)
        return Array(try key.signature(for: Data(message)).rawRepresentation)
    }
}

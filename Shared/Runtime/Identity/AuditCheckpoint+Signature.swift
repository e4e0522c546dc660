import CommonAPI
import Crypto
import Foundation
import Wire

extension AuditCheckpoint {
    /// The name Oversight signs its checkpoints as (the subject its key may sign for).
    public static let oversightSigner = "oversight"

    /// A checkpoint of the log head (`sequence`, `headHash`) signed at `date` by `key` as `signer`.
    public static func signed(
        sequence: Int64, headHash: [UInt8], at date: Date, by key: SigningKey, as signer: String = oversightSigner
    ) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint.with {
            $0.sequence = sequence
            $0.headHash = headHash
            $0.signedAt = Timestamp(date)
            $0.signer = signer
            $0.keyID = key.keyID
        }
        checkpoint.signature = try key.sign(checkpoint.signingInput)
        return checkpoint
    }

    /// The bytes the signature covers, as the contract documents them:
    /// "support.audit-checkpoint.v1\n<signer>\n<sequence>\n<hex hash>\n<seconds>.<nanos, 9 digits>".
    public var signingInput: [UInt8] {
        let hex = headHash.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
        let seconds = signedAt?.seconds ?? 0
        let nanos = String(signedAt?.nanos ?? 0)
        let padded = String(repeating: "0", count: max(0, 9 - nanos.count)) + nanos
        return Array("support.audit-checkpoint.v1\n\(signer)\n\(sequence)\n\(hex)\n\(seconds).\(padded)".utf8)
    }

    /// Why this checkpoint is not a valid one signed for `signer` by a key of `ring`, or nil.
    public func problem(verifiedWith ring: TokenKeyRing, signer expected: String = oversightSigner) -> String? {
        guard signer == expected else { return "it was signed by '\(signer)', not '\(expected)'" }
        guard sequence > 0, headHash.count == 32, let signedAt, signedAt.isValid else {
            return "it lacks a positive sequence, a 32-byte head hash or a valid signing time"
        }
        guard let key = ring.key(id: keyID), let publicKey = key.publicKey else {
            return "its key '\(keyID)' is not in the key set"
        }
        guard ring.allows(key, subject: expected, role: .service) else {
            return "its key '\(keyID)' may not sign for \(expected)"
        }
        guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            publicKey.isValidSignature(ecdsa, for: Data(signingInput))
        else { return "its signature does not verify" }
        return nil
    }
}

import ArgumentParser
import Crypto
import Foundation
import Runtime

/// `supportctl token keygen`: a new ES256 key. With `--name`, the private key is written as
/// `<name>.pem` and its public key added to the key set (`jwks.json`) with what it may sign for;
/// without, the single pair `token-signing.pem` and `token-public.pem` is written.
struct TokenKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new P-256 key: <name>.pem (private, 0600) and its entry in the key set jwks.json.",
        discussion: """
            supportctl token keygen --out-dir data/keys --name identity-provider --roles customer,agent,auditor,service
            supportctl token keygen --out-dir data/keys --name orders --service
            Without --name: token-signing.pem (private, 0600) and token-public.pem, one key trusted for everything.
            """)

    @Option(help: "Directory for the files.")
    var outDir: String

    @Option(help: "The key's name: writes <name>.pem and adds the public key to the key set.")
    var name: String?

    @Option(help: "The key set to add the public key to (default <out-dir>/jwks.json).")
    var jwks: String?

    @Option(help: "The key id (default the key's RFC 7638 thumbprint, which needs no --token-key-id).")
    var kid: String?

    @Flag(help: "A service's own key: it may sign only service tokens naming <name>.")
    var service = false

    @Option(help: "Comma-separated subjects the key may sign for (default any).")
    var subjects: String?

    @Option(help: "Comma-separated roles the key may sign for (default any).")
    var roles: String?

    @Flag(help: "Replace existing files.")
    var force = false

    func run() throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        guard let name else { return try writeSinglePair() }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("--name must be letters, digits, '-' or '_'")
        }
        var allowedSubjects = subjects.map { Set($0.split(separator: ",").map(String.init)) }
        var allowedRoles: Set<Role>?
        if let roles {
            allowedRoles = []
            for text in roles.split(separator: ",") {
                guard let role = Role(rawValue: String(text)) else {
                    throw ValidationError("--roles: '\(text)' is not customer, agent, service or auditor")
                }
                allowedRoles?.insert(role)
            }
        }
        if service {
            allowedSubjects = [name]
            allowedRoles = [.service]
        }
        let privatePath = "\(outDir)/\(name).pem"
        if !force, manager.fileExists(atPath: privatePath) {
            throw ValidationError("\(privatePath) exists; pass --force to replace it")
        }
        let key = P256.Signing.PrivateKey()
        let entry = TokenKey(publicKey: key.publicKey, keyID: kid, subjects: allowedSubjects, roles: allowedRoles)
        let setPath = jwks ?? "\(outDir)/jwks.json"
        var keys: [TokenKey] = []
        if let existing = manager.contents(atPath: setPath) {
            do {
                keys = try TokenKeyRing(jwks: existing).keys
            } catch {
                throw ValidationError("\(setPath): \(error.description)")
            }
        }
        try write(Data(key.pemRepresentation.utf8), to: privatePath, permissions: 0o600)
        try write(TokenKeyRing(keys: [entry] + keys).jwks(), to: setPath, permissions: 0o644)
        print("wrote \(privatePath) (kid \(entry.keyID)) and added its public key to \(setPath)")
    }

    private func writeSinglePair() throws {
        let privatePath = "\(outDir)/token-signing.pem"
        let publicPath = "\(outDir)/token-public.pem"
        if !force, FileManager.default.fileExists(atPath: privatePath) {
            throw ValidationError("\(privatePath) exists; pass --force to replace it")
        }
        let key = P256.Signing.PrivateKey()
        try write(Data(key.pemRepresentation.utf8), to: privatePath, permissions: 0o600)
        try write(Data(key.publicKey.pemRepresentation.utf8), to: publicPath, permissions: 0o644)
        print("wrote \(privatePath) and \(publicPath)")
    }

    private func write(_ data: Data, to path: String, permissions: Int) throws {
        let temporary = path + ".tmp"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: data, attributes: [.posixPermissions: permissions])
        else { throw ValidationError("cannot write \(path)") }
        guard rename(temporary, path) == 0 else { throw ValidationError("cannot write \(path)") }
    }
}

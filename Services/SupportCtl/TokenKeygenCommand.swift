import ArgumentParser
import Crypto
import Foundation

/// `supportctl token keygen`: a new ES256 key pair as PEM files.
struct TokenKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new P-256 key pair: token-signing.pem (private, 0600) and token-public.pem.")

    @Option(help: "Directory for the two files.")
    var outDir: String

    @Flag(help: "Replace existing files.")
    var force = false

    func run() throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let privatePath = "\(outDir)/token-signing.pem"
        let publicPath = "\(outDir)/token-public.pem"
        if !force, manager.fileExists(atPath: privatePath) {
            throw ValidationError("\(privatePath) exists; pass --force to replace it")
        }
        let key = P256.Signing.PrivateKey()
        guard
            manager.createFile(
                atPath: privatePath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write \(privatePath)") }
        try Data(key.publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: publicPath))
        print("wrote \(privatePath) and \(publicPath)")
    }
}

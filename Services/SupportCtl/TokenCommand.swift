import ArgumentParser

/// `supportctl token`: local signing keys and bearer tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create local signing keys and mint bearer tokens (for local runs and tests).",
        subcommands: [TokenKeygenCommand.self, TokenMintCommand.self])
}

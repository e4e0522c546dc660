import ArgumentParser

/// `supportctl`: the command-line client of the support platform for agents and ops.
@main
struct SupportCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supportctl",
        abstract: "Operate and call the support platform's services.",
        subcommands: [
            HealthCommand.self, OrderCommand.self, ReturnCommand.self, RefundCommand.self, AskCommand.self,
            ConvertCommand.self, OversightCommand.self, TokenCommand.self,
        ])
}

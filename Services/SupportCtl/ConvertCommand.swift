import ArgumentParser
import CommonAPI
import InquiriesAPI
import Wire

/// `supportctl convert AMOUNT FROM TO`: currency conversion with the official table.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Convert an amount (in minor units) with the official rate table.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The amount in minor units (4999 is 49.99 EUR).") var amount: Int64
    @Argument(help: "Its currency.") var from: String
    @Argument(help: "The target currency.") var to: String

    func run() async throws {
        try await Failure.report {
            let result = try await Inquiries.Client(try connection.client(for: "inquiries")).convertCurrency(
                ConvertCurrencyRequest.with {
                    $0.amount = Money.with {
                        $0.minorUnits = amount; $0.currencyCode = from
                    }
                    $0.targetCurrency = to
                })
            Output(json: connection.json).record([
                ("source", Formatting.money(result.source)), ("converted", Formatting.money(result.converted)),
                ("rate", result.rate), ("rate_table_version", Int(result.rateTableVersion)),
                ("rounding", result.roundingRule), ("rule", Formatting.rule(result.rule)),
            ])
        }
    }
}

import ArgumentParser
import CommonAPI
import RefundsAPI
import Wire

/// `supportctl refund`: refund status.
struct RefundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund", abstract: "Refund status.", subcommands: [Status.self, List.self])

    static func row(_ refund: RefundsAPI.Refund) -> [String] {
        [
            refund.refundID, refund.orderID, Formatting.money(refund.amount), Formatting.name(refund.state),
            Formatting.time(refund.expectedBy), refund.slaBreached ? "yes" : "no",
        ]
    }

    static let columns = ["refund", "order", "amount", "state", "expected_by", "sla_breached"]

    /// `supportctl refund status REFUND`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one refund.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The refund id.") var refund: String

        func run() async throws {
            try await Failure.report {
                let found = try await Refunds.Client(try connection.client(for: "refunds")).getRefund(
                    GetRefundRequest.with { $0.refundID = refund })
                Output(json: connection.json).table(RefundCommand.columns, [RefundCommand.row(found)])
            }
        }
    }

    /// `supportctl refund list --order ORDER`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the refunds of an order or a customer.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The order.") var order: String?
        @Option(help: "The customer.") var customer: String?

        func run() async throws {
            try await Failure.report {
                let list = try await Refunds.Client(try connection.client(for: "refunds")).listRefunds(
                    ListRefundsRequest.with {
                        $0.orderID = order ?? ""
                        $0.customerID = customer ?? ""
                    })
                Output(json: connection.json).table(RefundCommand.columns, list.refunds.map(RefundCommand.row))
            }
        }
    }
}

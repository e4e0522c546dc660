import ArgumentParser
import CommonAPI
import Foundation
import OrdersAPI
import RPC
import Wire

/// `supportctl order`: order status and issues.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Order status and order issues.", subcommands: [Status.self, OpenIssue.self])

    /// `supportctl order status ORDER`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm an order's status and progress.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The order id.") var order: String

        func run() async throws {
            try await Failure.report {
                let reply = try await Orders.Client(try connection.client(for: "orders")).getOrderStatus(
                    GetOrderStatusRequest.with { $0.orderID = order })
                Output(json: connection.json).record([
                    ("order", reply.orderID), ("status", Formatting.name(reply.status)), ("summary", reply.summary),
                    ("updated_at", Formatting.time(reply.updatedAt)), ("open_issues", Int(reply.openIssueCount)),
                ])
            }
        }
    }

    /// `supportctl order issue ORDER --category C --description D`.
    struct OpenIssue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue", abstract: "Report an issue with an order.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The order id.") var order: String
        @Option(
            help:
                "processing-delay, tracking-not-updated, status-anomaly, shipping-anomaly, order-detail-adjustment or dispute."
        )
        var category: String
        @Option(help: "What happened.") var description: String
        @Option(help: "Idempotency key (default: a new one).") var idempotencyKey: String?

        func run() async throws {
            let categories: [String: IssueCategory] = [
                "processing-delay": .processingDelay, "tracking-not-updated": .trackingNotUpdated,
                "status-anomaly": .statusAnomaly, "shipping-anomaly": .shippingAnomaly,
                "order-detail-adjustment": .orderDetailAdjustment, "dispute": .dispute,
            ]
            guard let chosen = categories[category] else {
                throw ValidationError("--category must be one of \(categories.keys.sorted().joined(separator: ", "))")
            }
            try await Failure.report {
                let issue = try await Orders.Client(try connection.client(for: "orders")).reportIssue(
                    ReportIssueRequest.with {
                        $0.idempotencyKey = idempotencyKey ?? "supportctl-\(UUID())"
                        $0.orderID = order
                        $0.category = chosen
                        $0.description = description
                    })
                Output(json: connection.json).record([
                    ("issue", issue.issueID), ("state", Formatting.name(issue.state)),
                    ("resolution", Formatting.name(issue.resolution)), ("rule", Formatting.rule(issue.decisionRule)),
                    ("told_customer", issue.notifications.last?.text ?? "-"),
                ])
            }
        }
    }
}

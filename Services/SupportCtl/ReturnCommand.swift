import ArgumentParser
import CommonAPI
import Foundation
import ReturnsAPI
import Wire

/// `supportctl return`: eligibility and opening returns.
struct ReturnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return", abstract: "Return eligibility and returns.", subcommands: [Eligibility.self, Open.self])

    /// `supportctl return eligibility ORDER`.
    struct Eligibility: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check whether an order can be returned now.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The order id.") var order: String

        func run() async throws {
            try await Failure.report {
                let answer = try await Returns.Client(try connection.client(for: "returns")).checkEligibility(
                    CheckEligibilityRequest.with { $0.orderID = order })
                Output(json: connection.json).record([
                    ("order", answer.orderID), ("eligible", answer.eligible), ("route", Formatting.name(answer.route)),
                    ("days_since_delivery", Int(answer.daysSinceDelivery)),
                    ("window_ends_at", Formatting.time(answer.windowEndsAt)), ("rule", Formatting.rule(answer.rule)),
                    ("explanation", answer.explanation),
                ])
            }
        }
    }

    /// `supportctl return open ORDER --line 1:1 --reason product-defect`.
    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a return and get its prepaid label.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The order id.") var order: String
        @Option(help: "LINE:QUANTITY to return; repeatable.") var line: [String] = []
        @Option(help: "product-defect, shipping-damage, order-mismatch, missing-item or changed-mind.") var reason:
            String
        @Option(help: "refund or replacement.") var remedy = "refund"
        @Option(help: "Idempotency key (default: a new one).") var idempotencyKey: String?

        func run() async throws {
            let reasons: [String: ReturnReason] = [
                "product-defect": .productDefect, "shipping-damage": .shippingDamage, "order-mismatch": .orderMismatch,
                "missing-item": .missingItem, "changed-mind": .changedMind,
            ]
            guard let chosen = reasons[reason] else {
                throw ValidationError("--reason must be one of \(reasons.keys.sorted().joined(separator: ", "))")
            }
            let lines = try line.map { entry -> ReturnsAPI.ReturnLine in
                let parts = entry.split(separator: ":").compactMap { Int32($0) }
                guard parts.count == 2 else { throw ValidationError("--line must be LINE:QUANTITY") }
                return ReturnsAPI.ReturnLine.with {
                    $0.lineNumber = parts[0]; $0.quantity = parts[1]
                }
            }
            try await Failure.report {
                let opened = try await Returns.Client(try connection.client(for: "returns")).requestReturn(
                    RequestReturnRequest.with {
                        $0.idempotencyKey = idempotencyKey ?? "supportctl-\(UUID())"
                        $0.orderID = order
                        $0.reason = chosen
                        $0.remedy = remedy == "replacement" ? .replacement : .refund
                        $0.lines =
                            lines.isEmpty
                            ? [
                                ReturnsAPI.ReturnLine.with {
                                    $0.lineNumber = 1; $0.quantity = 1
                                }
                            ] : lines
                    })
                Output(json: connection.json).record([
                    ("return", opened.returnID), ("state", Formatting.name(opened.state)),
                    ("label", opened.label?.labelURL ?? "-"),
                    ("label_cost", Formatting.money(opened.label?.customerCost)),
                    ("refund_due", Formatting.money(opened.refundAmount)),
                ])
            }
        }
    }
}

import ArgumentParser
import CommonAPI
import Foundation
import InquiriesAPI
import Wire

/// `supportctl ask QUESTION`: a pre-purchase question.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Ask a pre-purchase question; unanswerable ones become tickets.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The question.") var question: String
    @Option(help: "A product's SKU the question is about.") var sku: String?

    func run() async throws {
        try await Failure.report {
            let response = try await Inquiries.Client(try connection.client(for: "inquiries")).askQuestion(
                AskQuestionRequest.with {
                    $0.idempotencyKey = "supportctl-\(UUID())"; $0.question = question; $0.sku = sku ?? ""
                })
            switch response.result {
            case .answer(let answer):
                Output(json: connection.json).table(
                    ["topic", "rule", "answer"],
                    answer.parts.map { [Formatting.name($0.topic), Formatting.rule($0.rule), $0.text] })
            case .ticket(let ticket):
                Output(json: connection.json).record([
                    ("ticket", ticket.ticketID), ("state", Formatting.name(ticket.state)),
                    ("told_customer", ticket.notifications.last?.text ?? "-"),
                ])
            case nil:
                print("no answer")
            }
        }
    }
}

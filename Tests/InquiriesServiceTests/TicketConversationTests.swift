import CommonAPI
import Foundation
import GRDB
import InquiriesAPI
import InquiriesDomain
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// A ticket's conversation is bounded and appended to: a message is one row (the conversation is
/// not rewritten), past ``InquiriesDomain/Ticket/maximumMessages`` a message is FAILED_PRECONDITION
/// and changes nothing (staff's answer is still taken), and a page of long conversations stops at
/// about 3 MiB. On SQLite and PostgreSQL (``InquiriesServiceTests/withService(_:)``).
@Suite struct TicketConversationTests {
    @Test func aConversationIsAppendedToAndBounded() async throws {
        try await InquiriesServiceTests.withService { database, router in
            let customer = try InquiriesServiceTests.client(router, "customer-1", .customer)
            let ticketID = try await Self.ticket(customer, "q")
            let statements = StatementLog()
            if let pool = try? database.pool {
                try await pool.writeWithoutTransaction { db in
                    db.trace { event in
                        if case .statement(let statement) = event { statements.record(statement.sql) }
                    }
                }
            }
            for number in 2...Ticket.maximumMessages {
                statements.clear()
                _ = try await Self.add("message \(number)", to: ticketID, by: customer)
                if (try? database.pool) != nil {
                    let deletes = statements.taken.filter { $0.uppercased().hasPrefix("DELETE") }
                    let inserted = statements.taken.filter { $0.contains("INSERT INTO ticket_messages") }
                    #expect(deletes.isEmpty && inserted.count == 1, "\(statements.taken)")
                }
            }
            let full = try await customer.getTicket(GetTicketRequest.with { $0.ticketID = ticketID })
            #expect(full.messages.count == Ticket.maximumMessages)
            #expect(full.messages.map(\.text).dropFirst().first == "message 2")
            #expect(full.messages.last?.text == "message \(Ticket.maximumMessages)")
            let refused = await rpcError { _ = try await Self.add("one more", to: ticketID, by: customer) }
            #expect(refused?.code == .failedPrecondition)
            #expect(
                refused?.message
                    == "ticket \(ticketID) has 100 messages, the most a ticket keeps; ask a new question to go on")
            #expect(try await customer.getTicket(GetTicketRequest.with { $0.ticketID = ticketID }) == full)
            let agent = try InquiriesServiceTests.client(router, "agent-1", .agent)
            let answered = try await agent.answerTicket(
                AnswerTicketRequest.with {
                    $0.idempotencyKey = "answer"; $0.ticketID = ticketID; $0.answer = "Yes."
                })
            #expect(answered.state == .answered)
            #expect(answered.messages.count == Ticket.maximumMessages + 1)
            #expect(answered.messages.last?.text == "Yes.")
        }
    }

    @Test func aPageOfLongConversationsStopsShortAndThePagesGiveEveryTicketOnce() async throws {
        try await InquiriesServiceTests.withService { _, router in
            let customer = try InquiriesServiceTests.client(router, "customer-1", .customer)
            // 56 tickets of four 16,000-byte messages (4,000 characters of 4 UTF-8 bytes): 3.6 MB.
            let long = String(repeating: "\u{1F600}", count: 4_000)
            var opened: [String] = []
            for number in 0..<56 {
                let ticketID = try await Self.ticket(customer, "q-\(number)")
                opened.append(ticketID)
                for _ in 1...4 { _ = try await Self.add(long, to: ticketID, by: customer) }
            }
            let agent = try InquiriesServiceTests.client(router, "agent-1", .agent)
            var seen: [String] = []
            var sizes: [Int] = []
            var token = ""
            repeat {
                let page = try await agent.listTickets(
                    ListTicketsRequest.with {
                        $0.page = PageRequest.with {
                            $0.pageSize = 500
                            $0.pageToken = token
                        }
                    })
                seen += page.tickets.map(\.ticketID)
                sizes.append(page.serializedSize())
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(Set(seen) == Set(opened) && seen.count == opened.count)
            #expect(sizes.count >= 2 && sizes.allSatisfy { $0 <= 3 << 20 + 64 }, "\(sizes)")
        }
    }

    /// Opens a ticket with a question no rule answers; returns its id.
    static func ticket(_ customer: Inquiries.Client, _ key: String) async throws -> String {
        let response = try await customer.askQuestion(
            AskQuestionRequest.with {
                $0.idempotencyKey = key; $0.question = "Is the moon base open on Sundays?"
            })
        guard case .ticket(let ticket) = response.result else { throw TicketExpected() }
        return ticket.ticketID
    }

    /// Adds `text` to ticket `ticketID` as `client`, under a fresh idempotency key.
    static func add(_ text: String, to ticketID: String, by client: Inquiries.Client) async throws
        -> InquiriesAPI.Ticket
    {
        try await client.addTicketMessage(
            AddTicketMessageRequest.with {
                $0.idempotencyKey = UUID().uuidString; $0.ticketID = ticketID; $0.text = text
            })
    }

    /// AskQuestion answered where a ticket was expected.
    struct TicketExpected: Error {}
}

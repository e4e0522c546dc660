import CommonAPI
import Foundation
import InquiriesAPI
import InquiriesDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

extension InquiriesService {
    /// Tickets, oldest first (open ones first when filtered by state), pages within about 3 MiB
    /// (``Runtime/PageFiller``).
    public func listTickets(_ request: ListTicketsRequest, context: ServerContext) async throws -> ListTicketsResponse {
        _ = try context.identity
        let state = TicketState(rawValue: Int(request.state.rawValue))
        if state == nil, request.state != .unspecified {
            throw RPCError(.invalidArgument, "state is not a TicketState value")
        }
        let page = PageFiller(
            size: try PageCursor.pageSize(request.page?.pageSize ?? 0),
            after: try PageCursor(token: request.page?.pageToken ?? ""))
        let (tickets, next) = try await page.fill(
            read: { limit, after in try await store.read { try $0.tickets(state: state, after: after, limit: limit) } },
            message: \.wire, cursor: { PageCursor(sortKey: $0.openedAt.timeIntervalSince1970, id: $0.id) })
        return ListTicketsResponse.with {
            $0.tickets = tickets
            $0.nextPageToken = next
        }
    }

    /// One ticket (its asker or staff).
    public func getTicket(_ request: GetTicketRequest, context: ServerContext) async throws -> InquiriesAPI.Ticket {
        let caller = try context.identity
        let ticket = try await store.read { try $0.ticket(id: request.ticketID) }
        guard let ticket, caller.role != .customer || ticket.askedBy.subject == caller.subject else {
            throw RPCError(.notFound, "ticket '\(request.ticketID)' not found")
        }
        return ticket.wire
    }

    /// Staff answer a ticket.
    public func answerTicket(_ request: AnswerTicketRequest, context: ServerContext) async throws -> InquiriesAPI.Ticket
    {
        let caller = try context.identity
        return try await change(
            Inquiries.Method.answerTicket, request, key: request.idempotencyKey, id: request.ticketID, caller: caller
        ) {
            ticket, transaction, actor, now in
            var rule: PolicyRule?
            if !request.ruleID.isEmpty {
                guard
                    let cited = try transaction.currentRules(topic: nil).rules.first(where: { $0.id == request.ruleID })
                else {
                    throw InquiriesError.invalid("rule_id '\(request.ruleID)' is not a published rule")
                }
                rule = cited.reference
            }
            return try ticket.answer(request.answer, rule: rule, by: actor, at: now)
        }
    }

    /// Adds a message.
    public func addTicketMessage(_ request: AddTicketMessageRequest, context: ServerContext) async throws
        -> InquiriesAPI.Ticket
    {
        let caller = try context.identity
        return try await change(
            Inquiries.Method.addTicketMessage, request, key: request.idempotencyKey, id: request.ticketID,
            caller: caller
        ) {
            ticket, _, actor, now in try ticket.addMessage(request.text, by: actor, at: now)
        }
    }

    /// Closes an answered ticket.
    public func closeTicket(_ request: CloseTicketRequest, context: ServerContext) async throws -> InquiriesAPI.Ticket {
        let caller = try context.identity
        return try await change(
            Inquiries.Method.closeTicket, request, key: request.idempotencyKey, id: request.ticketID, caller: caller
        ) {
            ticket, _, _, now in try ticket.close(at: now)
        }
    }

    private func change<Request: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, id: String, caller: Identity,
        _ step: @escaping @Sendable (inout Ticket, any InquiriesTransaction, Actor, Date) throws -> [CaseChange]
    ) async throws -> InquiriesAPI.Ticket {
        try await store.command(method, request, key: key, caller: caller.subject, at: clock()) { transaction, now in
            guard var ticket = try transaction.ticket(id: id),
                caller.role != .customer || ticket.askedBy.subject == caller.subject
            else { throw InquiriesError.notFound("ticket '\(id)' not found") }
            let actor = Actor(caller)
            let changes = try step(&ticket, transaction, actor, now)
            try transaction.save(ticket)
            try transaction.record(InquiriesEvents.events(for: changes, ticket: ticket, by: actor, at: now))
            return ticket.wire
        }
    }
}

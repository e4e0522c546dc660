import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

extension OrdersService {
    /// Reports an issue on an order.
    public func reportIssue(_ request: ReportIssueRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        let category = try Self.category(request.category)
        let address = request.requestedAddress.map { Address(wire: $0) }
        let reportedAt = clock()
        let issueID = "ISS-\(UUID.timeOrdered(at: reportedAt).uuidString.lowercased())"
        return try await store.command(
            Orders.Method.reportIssue, request, key: request.idempotencyKey, caller: caller.subject, at: reportedAt
        ) {
            transaction, now in
            // Its owner, status and value: payments and tracking events are read only when the
            // address changes, with the whole order, which is then stored back.
            let order = try Self.visible(
                transaction.orderWithoutPaymentsAndTracking(id: request.orderID), id: request.orderID, to: caller)
            let actor = Actor(caller)
            let (issue, changes) = try Issue.report(
                id: issueID, on: order, category: category, description: request.description,
                requestedAddress: address, by: actor, at: now)
            if issue.resolution == .updateAddress, let address {
                let stored = try Self.visible(transaction.order(id: order.id), id: order.id, to: caller)
                var whole = stored
                try whole.changeAddress(to: address)
                try transaction.update(whole, from: stored)
            }
            try transaction.insert(issue)
            try transaction.record(OrdersEvents.events(for: changes, issue: issue, order: order, by: actor, at: now))
            return issue.wire
        }
    }

    /// Sets an open issue's cause.
    public func classifyIssue(_ request: ClassifyIssueRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        guard let cause = IssueCause(rawValue: Int(request.cause.rawValue)) else {
            throw RPCError(.invalidArgument, "cause must be SYSTEM_TECHNICAL_FAULT, SHIPPING or HUMAN_ERROR")
        }
        guard TextLimit.admits(request.note, characters: Order.maximumTextLength) else {
            throw RPCError(.invalidArgument, "note is too long")
        }
        return try await change(
            Orders.Method.classifyIssue, request, key: request.idempotencyKey, issueID: request.issueID, caller: caller
        ) {
            issue, actor, now in try issue.classify(cause: cause, note: request.note, by: actor, at: now)
        }
    }

    /// Applies a classified issue's resolution.
    public func resolveIssue(_ request: ResolveIssueRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        guard TextLimit.admits(request.note, characters: Order.maximumTextLength) else {
            throw RPCError(.invalidArgument, "note is too long")
        }
        return try await change(
            Orders.Method.resolveIssue, request, key: request.idempotencyKey, issueID: request.issueID, caller: caller
        ) {
            issue, actor, now in try issue.resolve(note: request.note, by: actor, at: now)
        }
    }

    /// One issue with its log.
    public func getIssue(_ request: GetIssueRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        return try Self.visible(await store.issue(id: request.issueID), id: request.issueID, to: caller).wire
    }

    /// The issues of an order or a customer, newest first, pages within about 3 MiB
    /// (``Runtime/PageFiller``).
    public func listIssues(_ request: ListIssuesRequest, context: ServerContext) async throws -> ListIssuesResponse {
        let caller = try context.identity
        guard request.orderID.isEmpty != request.customerID.isEmpty else {
            throw RPCError(.invalidArgument, "give exactly one of order_id and customer_id")
        }
        if caller.role == .customer {
            if !request.customerID.isEmpty, request.customerID != caller.subject {
                throw RPCError(.permissionDenied, "a customer can only list their own issues")
            }
            if !request.orderID.isEmpty {
                _ = try Self.visible(await store.order(id: request.orderID), id: request.orderID, to: caller)
            }
        }
        let page = PageFiller(
            size: try PageCursor.pageSize(request.page?.pageSize ?? 0),
            after: try PageCursor(token: request.page?.pageToken ?? ""))
        let (issues, next) = try await page.fill(
            read: { limit, after in
                try await store.issues(
                    orderID: request.orderID.isEmpty ? nil : request.orderID,
                    customerID: request.customerID.isEmpty ? nil : request.customerID, limit: limit, after: after)
            },
            message: \.wire, cursor: { PageCursor(sortKey: $0.reportedAt.timeIntervalSince1970, id: $0.id) })
        return ListIssuesResponse.with {
            $0.issues = issues
            $0.nextPageToken = next
        }
    }

    /// Adds a message to an issue.
    public func addIssueMessage(_ request: AddIssueMessageRequest, context: ServerContext) async throws
        -> OrdersAPI.Issue
    {
        let caller = try context.identity
        return try await change(
            Orders.Method.addIssueMessage, request, key: request.idempotencyKey, issueID: request.issueID,
            caller: caller
        ) {
            issue, actor, now in try issue.addMessage(request.text, by: actor, at: now)
        }
    }

    /// Adds dispute evidence.
    public func submitDisputeEvidence(_ request: SubmitDisputeEvidenceRequest, context: ServerContext) async throws
        -> OrdersAPI.Issue
    {
        let caller = try context.identity
        guard let party = DisputeParty(rawValue: Int(request.party.rawValue)) else {
            throw RPCError(.invalidArgument, "party must be CUSTOMER or MERCHANT")
        }
        return try await change(
            Orders.Method.submitDisputeEvidence, request, key: request.idempotencyKey, issueID: request.issueID,
            caller: caller
        ) {
            issue, actor, now in
            try issue.submitEvidence(
                party: party, statement: request.statement, attachmentURIs: request.attachmentUris, by: actor, at: now)
        }
    }

    /// Decides a dispute.
    public func decideDispute(_ request: DecideDisputeRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        guard let outcome = DisputeOutcome(rawValue: Int(request.outcome.rawValue)) else {
            throw RPCError(.invalidArgument, "outcome must be CUSTOMER_UPHELD, MERCHANT_UPHELD or SETTLED")
        }
        return try await change(
            Orders.Method.decideDispute, request, key: request.idempotencyKey, issueID: request.issueID, caller: caller
        ) {
            issue, actor, now in try issue.decide(outcome: outcome, rationale: request.rationale, by: actor, at: now)
        }
    }

    /// Closes an issue.
    public func closeIssue(_ request: CloseIssueRequest, context: ServerContext) async throws -> OrdersAPI.Issue {
        let caller = try context.identity
        return try await change(
            Orders.Method.closeIssue, request, key: request.idempotencyKey, issueID: request.issueID, caller: caller
        ) {
            issue, actor, now in try issue.close(by: actor, at: now)
        }
    }

    /// Runs one command on an existing issue the caller may see: loads it, applies `step`, saves
    /// it and records its events, in one transaction.
    private func change<Request: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, issueID: String, caller: Identity,
        _ step: @escaping @Sendable (inout Issue, Actor, Date) throws -> [CaseChange]
    ) async throws -> WireIssue {
        try await store.command(method, request, key: key, caller: caller.subject, at: clock()) { transaction, now in
            var issue = try Self.visible(transaction.issue(id: issueID), id: issueID, to: caller)
            let actor = Actor(caller)
            let changes = try step(&issue, actor, now)
            let order = try Self.order(of: issue, in: transaction)
            try transaction.save(issue)
            try transaction.record(OrdersEvents.events(for: changes, issue: issue, order: order, by: actor, at: now))
            return issue.wire
        }
    }

    /// The domain category of a wire category; INVALID_ARGUMENT if unset or unknown.
    static func category(_ wire: WireIssueCategory) throws(RPCError) -> IssueCategory {
        guard let category = IssueCategory(rawValue: Int(wire.rawValue)) else {
            throw RPCError(.invalidArgument, "category must be one of the IssueCategory values (not UNSPECIFIED)")
        }
        return category
    }
}

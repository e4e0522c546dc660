import Foundation
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

@testable import OrdersService

/// GetOrderStatus's open-issue count, read as a column of the order's row: on SQLite and on
/// PostgreSQL it counts only that order's issues in the states awaiting an outcome, whatever
/// states its other issues and other orders' issues are in; an order the caller may not see, an
/// unknown id and an absurdly long one are NOT_FOUND, as for GetOrder.
@Suite struct OrderStatusIssueCountTests {
    @Test func theCountOnSQLite() async throws {
        try await Self.checkCount(try OrdersHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func theCountOnPostgreSQL() async throws {
        try await Self.checkCount(try await OrdersHarness.postgres())
    }

    /// Reports one issue on `orderID`, then stores `copies` copies of it in each state of
    /// `states` (new ids, the rest of the row as it is).
    static func issues(
        on orderID: String, as customer: String, copies: Int, states: [OrdersDomain.IssueState],
        _ harness: OrdersHarness
    ) async throws {
        let reported = try await harness.client(customer, .customer).reportIssue(
            ReportIssueRequest.with {
                $0.idempotencyKey = "report-\(orderID)"; $0.orderID = orderID; $0.category = .processingDelay
                $0.description = "Still not shipped."
            })
        let names = IssueRows.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let selected = names.map { $0 == "issue_id" ? "?" : $0 == "state" ? "?" : $0 }.joined(separator: ", ")
        let copy = "INSERT INTO issues (\(IssueRows.columns)) SELECT \(selected) FROM issues WHERE issue_id = ?"
        try await harness.database.transaction { db in
            for state in states {
                for index in 0..<copies {
                    try db.execute(
                        copy, ["\(reported.issueID)-\(state.name)-\(index)", state.rawValue, reported.issueID])
                }
            }
            // The reported issue itself: closed, so only the copies count.
            try db.execute(
                "UPDATE issues SET state = ? WHERE issue_id = ?",
                [OrdersDomain.IssueState.closed.rawValue, reported.issueID])
        }
    }

    static func checkCount(_ harness: OrdersHarness) async throws {
        try await harness.importOrder(harness.order("o-1"))
        try await harness.importOrder(harness.order("o-2"))
        try await harness.importOrder(harness.order("o-other", customer: "customer-2"))
        try await Self.issues(
            on: "o-1", as: "customer-1", copies: 40, states: OrdersDomain.IssueState.allCases, harness)
        try await Self.issues(
            on: "o-2", as: "customer-1", copies: 3, states: [OrdersDomain.IssueState.resolved, .decided], harness)
        try await Self.issues(
            on: "o-other", as: "customer-2", copies: 5, states: [OrdersDomain.IssueState.open, .mediation], harness)

        let customer = try harness.client("customer-1", .customer)
        let first = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        #expect(first.openIssueCount == Int32(40 * OrdersDomain.IssueState.awaitingOutcome.count))
        #expect(first.orderID == "o-1")
        let second = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-2" })
        #expect(second.openIssueCount == 0)
        let agent = try harness.agent()
        let other = try await agent.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-other" })
        #expect(other.openIssueCount == 10)

        // Another customer's order answers as an unknown one: neither its existence nor its count shows.
        for id in ["o-other", "o-unknown", "", String(repeating: "o", count: 70_000), "o-1' OR '1'='1"] {
            let error = await #expect(throws: RPCError.self) {
                _ = try await customer.getOrderStatus(GetOrderStatusRequest.with { $0.orderID = id })
            }
            let expected: Set<StatusCode> = id.isEmpty ? [.notFound, .invalidArgument] : [.notFound]
            #expect(error.map { expected.contains($0.code) } == true, "\(id.prefix(20)): \(String(describing: error))")
        }
    }
}

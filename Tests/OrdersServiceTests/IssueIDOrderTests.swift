import Foundation
import OrdersAPI
import Runtime
import TestSupport
import Testing

/// Issue ids sort in the order the issues were reported (time-ordered UUIDs, so that new issues
/// are stored at the end of the tables their id keys).
@Suite struct IssueIDOrderTests {
    @Test func issueIDsSortInTheOrderReported() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let customer = try harness.client("customer-1", .customer)
        var ids: [String] = []
        for number in 0..<20 {
            let issue = try await customer.reportIssue(ReportIssueWALTests.report(number))
            ids.append(issue.issueID)
            harness.clock.advance(0.01)
        }
        #expect(ids.allSatisfy { $0.hasPrefix("ISS-") && $0.count == 40 })
        #expect(ids == ids.sorted(), "ids in report order: \(ids)")
    }
}

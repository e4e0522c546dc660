import CommonAPI
import Foundation
import RPC
import ReturnsAPI
import ReturnsDomain
import Runtime
import TestSupport
import Testing
import Wire

/// A return's conversation is bounded and appended to: past
/// ``ReturnsDomain/ProductReturn/maximumMessages`` a message is FAILED_PRECONDITION and changes
/// nothing, every message and timeline entry stays in order; and listing returns by another
/// customer's order shows nothing of them, not even through a page token.
@Suite struct ReturnConversationTests {
    @Test func aReturnKeepsAtMostItsBoundOfMessagesInOrder() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let customer = try harness.returns()
        let opened = try await customer.requestReturn(Self.request("o-1"))
        for number in 1...ProductReturn.maximumMessages {
            _ = try await customer.addReturnMessage(Self.message("message \(number)", on: opened.returnID))
        }
        let full = try await customer.getReturn(GetReturnRequest.with { $0.returnID = opened.returnID })
        #expect(full.messages.map(\.text) == (1...ProductReturn.maximumMessages).map { "message \($0)" })
        #expect(full.timeline.count == opened.timeline.count + ProductReturn.maximumMessages)
        let refused = await rpcError {
            _ = try await customer.addReturnMessage(Self.message("one more", on: opened.returnID))
        }
        #expect(refused?.code == .failedPrecondition)
        #expect(
            refused?.message
                == "return \(opened.returnID) has 50 messages, the most a return keeps; open a complaint to go on")
        #expect(try await customer.getReturn(GetReturnRequest.with { $0.returnID = opened.returnID }) == full)
    }

    @Test func anotherCustomersOrderListsNoReturnsAndNoToken() async throws {
        let harness = try PostPurchaseHarness()
        try await harness.order("o-1", deliveredDaysAgo: 5)
        let owner = try harness.returns()
        _ = try await owner.requestReturn(Self.request("o-1", key: "first"))
        _ = try await owner.requestReturn(Self.request("o-1", key: "second", line: 2))
        let stranger = try harness.returns("customer-2")
        var token = ""
        var pages = 0
        repeat {
            let page = try await stranger.listReturns(
                ListReturnsRequest.with {
                    $0.orderID = "o-1"
                    $0.page = PageRequest.with {
                        $0.pageSize = 1
                        $0.pageToken = token
                    }
                })
            #expect(page.returns.isEmpty)
            #expect(page.nextPageToken.isEmpty, "a token names another customer's return")
            token = page.nextPageToken
            pages += 1
        } while !token.isEmpty && pages < 5
        let own = try await owner.listReturns(ListReturnsRequest.with { $0.orderID = "o-1" })
        #expect(own.returns.count == 2)
    }

    static func request(_ orderID: String, key: String = "r", line: Int32 = 1) -> RequestReturnRequest {
        RequestReturnRequest.with {
            $0.idempotencyKey = key; $0.orderID = orderID; $0.reason = .changedMind
            $0.lines = [
                ReturnsAPI.ReturnLine.with {
                    $0.lineNumber = line; $0.quantity = 1
                }
            ]
        }
    }

    static func message(_ text: String, on returnID: String) -> AddReturnMessageRequest {
        AddReturnMessageRequest.with {
            $0.idempotencyKey = UUID().uuidString; $0.returnID = returnID; $0.text = text
        }
    }
}

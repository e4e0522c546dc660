import OrdersAPI
import OrdersService
import RPC
import RefundsAPI
import RefundsService
import ReturnsAPI
import ReturnsService
import Runtime
import Testing

/// Which service may call which method of Orders, Returns and Refunds, written out here by hand
/// (not read from the policies): every service token is tried on every method through the real
/// routers, and only the services the design names get past authorization.
@Suite struct ServiceCallerMatrixTests {
    /// Every service identity a token can name: the platform's own and the outside ones.
    static let subjects = [
        "orders", "returns", "refunds", "inquiries", "oversight", "storefront", "warehouse", "payments", "carrier",
        "someone",
    ]

    /// The services allowed per method; a method not listed is closed to every service.
    static let expected: [String: Set<String>] = [
        Orders.Method.importOrder.path: ["storefront"],
        Orders.Method.recordTrackingEvent.path: ["carrier"],
        Orders.Method.getOrder.path: ["storefront"],
        Orders.Method.getOrderStatus.path: ["storefront"],
        Orders.Method.getPurchaseFacts.path: ["returns", "refunds"],
        Returns.Method.checkEligibility.path: ["storefront"],
        Returns.Method.getReturn.path: ["storefront", "warehouse"],
        Returns.Method.recordReceipt.path: ["warehouse"],
        Returns.Method.recordInspection.path: ["warehouse"],
        Refunds.Method.createRefund.path: ["returns"],
        Refunds.Method.getRefund.path: ["storefront", "payments"],
        Refunds.Method.listRefunds.path: ["storefront", "payments"],
        Refunds.Method.getRefundBalance.path: ["storefront", "payments"],
        Refunds.Method.markProcessing.path: ["payments"],
        Refunds.Method.reportOutcome.path: ["payments"],
    ]

    @Test func onlyTheNamedServicesPassAuthorization() async throws {
        let harness = try PostPurchaseHarness()
        let services: [(Router, [MethodDescriptor])] = [
            (harness.ordersRouter, Orders.Method.all), (harness.returnsRouter, Returns.Method.all),
            (harness.refundsRouter, Refunds.Method.all),
        ]
        for (router, methods) in services {
            for subject in Self.subjects {
                let client = try harness.rpc(router, subject, .service)
                for method in methods {
                    var code = StatusCode.ok
                    do {
                        let _: (message: GetReturnRequest, headers: Metadata, trailers: Metadata) =
                            try await client.unaryCall(method, GetReturnRequest())
                    } catch let error as RPCError {
                        code = error.code
                    }
                    let allowed = Self.expected[method.path]?.contains(subject) ?? false
                    #expect((code == .permissionDenied) == !allowed, "\(subject) calling \(method.method) got \(code)")
                }
            }
        }
    }

    @Test func theDeclaredPoliciesMatchTheMatrix() {
        let policies: [(AccessPolicy, [MethodDescriptor])] = [
            (OrdersService.accessPolicy, Orders.Method.all), (ReturnsService.accessPolicy, Returns.Method.all),
            (RefundsService.accessPolicy, Refunds.Method.all),
        ]
        for (policy, methods) in policies {
            for method in methods {
                #expect(policy.services(for: method) == Self.expected[method.path] ?? [], "\(method.method)")
            }
        }
    }
}

import CommonAPI
import Crypto
import Foundation
import HTTP2
import OrdersAPI
import RPC
import RefundsAPI
import ReturnsAPI
import Runtime
import TestSupport
import Testing
import Wire

/// The post-purchase chain across three real processes (orders, refunds, returns) on real
/// sockets and SQLite files: a return approved while Refunds is down, Returns killed with SIGKILL
/// and restarted, and the approval retried, still produce exactly one refund.
@Suite struct PostPurchaseProcessTests {
    /// Each service's own key and the identity provider's, written as PEM files with the key set
    /// (jwks.json) they all trust; tokens for callers are minted with the identity provider's.
    struct Keys {
        let directory: String
        let minter: TokenMinter

        init(directory: String) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let provider = P256.Signing.PrivateKey()
            var trusted = [TokenKey(publicKey: provider.publicKey, roles: [.customer, .agent, .auditor, .service])]
            for name in ["orders", "refunds", "returns"] {
                let key = P256.Signing.PrivateKey()
                try key.pemRepresentation.write(toFile: "\(directory)/\(name).pem", atomically: true, encoding: .utf8)
                trusted.append(TokenKey(publicKey: key.publicKey, subjects: [name], roles: [.service]))
            }
            try TokenKeyRing(keys: trusted).jwks().write(to: URL(fileURLWithPath: "\(directory)/jwks.json"))
            self.directory = directory
            minter = TokenMinter(key: provider, issuer: "support-platform", audience: "support")
        }

        /// The key set only: enough for a service that calls no peer.
        var flags: [String] {
            ["--token-keys", "\(directory)/jwks.json"]
        }

        /// The key set and `service`'s own key.
        func flags(_ service: String) -> [String] {
            ["--token-keys", "\(directory)/jwks.json", "--token-signing-key", "\(directory)/\(service).pem"]
        }

        func client(port: Int, _ subject: String, _ role: Role) throws -> RPCClient {
            RPCClient(
                transport: try HTTP2ClientTransport(host: "127.0.0.1", port: port),
                interceptors: [BearerTokenInterceptor(token: try minter.mint(subject: subject, role: role))])
        }
    }

    static func start(_ name: String, data: String, keys: Keys, peers: [String: Int] = [:]) async throws -> (
        ChildProcess, Int
    ) {
        var arguments = ["--port", "0", "--data-dir", "\(data)/\(name)", "--grace-period", "2"] + keys.flags(name)
        for (peer, port) in peers.sorted(by: { $0.key < $1.key }) {
            arguments += ["--peer", "\(peer)=127.0.0.1:\(port)"]
        }
        let process = try ChildProcess(name, arguments)
        return (process, try await process.waitForPort())
    }

    @Test func oneRefundPerApprovalAcrossCrashesRestartsAndRetries() async throws {
        let root = NSTemporaryDirectory() + "chain-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = try Keys(directory: "\(root)/keys")
        let (orders, ordersPort) = try await Self.start("orders", data: root, keys: keys)
        var (refunds, refundsPort) = try await Self.start(
            "refunds", data: root, keys: keys, peers: ["orders": ordersPort])
        var (returns, returnsPort) = try await Self.start(
            "returns", data: root, keys: keys, peers: ["orders": ordersPort, "refunds": refundsPort])

        // An order delivered ten days ago.
        let platform = Orders.Client(try keys.client(port: ordersPort, "storefront", .service))
        let carrier = Orders.Client(try keys.client(port: ordersPort, "carrier", .service))
        let now = Date()
        _ = try await platform.importOrder(
            ImportOrderRequest.with {
                $0.idempotencyKey = "import"
                $0.order = OrdersAPI.Order.with {
                    $0.orderID = "o-1"; $0.customerID = "customer-1";
                    $0.placedAt = Timestamp(now.addingTimeInterval(-14 * 86_400))
                    $0.lines = [
                        OrderLine.with {
                            $0.lineNumber = 1; $0.sku = "KET-1"; $0.quantity = 2
                            $0.unitPrice = Money.with {
                                $0.minorUnits = 2_500; $0.currencyCode = "EUR"
                            }
                        }
                    ]
                    $0.payments = [
                        Payment.with {
                            $0.paymentID = "p"; $0.capturedAt = Timestamp(now.addingTimeInterval(-14 * 86_400))
                            $0.amount = Money.with {
                                $0.minorUnits = 5_000; $0.currencyCode = "EUR"
                            }
                        }
                    ]
                    $0.shippingAddress = Address.with {
                        $0.recipient = "Ana"; $0.line1 = "Rua A 1"; $0.city = "Lisboa"; $0.postalCode = "1000";
                        $0.countryCode = "PT"
                    }
                }
            })
        for (status, daysAgo) in [(OrdersAPI.TrackingStatus.pickedUp, 12.0), (.delivered, 10.0)] {
            _ = try await carrier.recordTrackingEvent(
                RecordTrackingEventRequest.with {
                    $0.idempotencyKey = "t-\(status)"; $0.orderID = "o-1"
                    $0.event = OrdersAPI.TrackingEvent.with {
                        $0.eventID = "e-\(status)"; $0.carrier = "DHL"; $0.status = status
                        $0.occurredAt = Timestamp(now.addingTimeInterval(-daysAgo * 86_400))
                    }
                })
        }

        // The customer returns one kettle; the warehouse receives it.
        let customer = Returns.Client(try keys.client(port: returnsPort, "customer-1", .customer))
        let opened = try await customer.requestReturn(
            RequestReturnRequest.with {
                $0.idempotencyKey = "open"; $0.orderID = "o-1"; $0.reason = .productDefect
                $0.lines = [
                    ReturnsAPI.ReturnLine.with {
                        $0.lineNumber = 1; $0.quantity = 1
                    }
                ]
            })
        var warehouse = Returns.Client(try keys.client(port: returnsPort, "warehouse", .service))
        _ = try await warehouse.recordReceipt(
            RecordReceiptRequest.with {
                $0.idempotencyKey = "receive"
                $0.returnID = opened.returnID
            })

        // Refunds goes down; the approval is recorded but its refund cannot be requested.
        refunds.send(SIGTERM)
        #expect(try await refunds.waitForExit() == 0)
        let inspection = RecordInspectionRequest.with {
            $0.idempotencyKey = "inspect"; $0.returnID = opened.returnID; $0.finding = .confirmsReason
        }
        let approved = try await warehouse.recordInspection(inspection)
        #expect(approved.state == .approved)
        #expect(approved.refundID.isEmpty)

        // Returns crashes; Refunds and Returns come back.
        returns.send(SIGKILL)
        _ = try await returns.waitForExit()
        (refunds, refundsPort) = try await Self.start("refunds", data: root, keys: keys, peers: ["orders": ordersPort])
        (returns, returnsPort) = try await Self.start(
            "returns", data: root, keys: keys, peers: ["orders": ordersPort, "refunds": refundsPort])
        warehouse = Returns.Client(try keys.client(port: returnsPort, "warehouse", .service))

        // The restarted Returns requests the refund by itself.
        var current = approved
        for _ in 0..<300 where current.state != .refundRequested {
            try await Task.sleep(for: .milliseconds(50))
            current = try await warehouse.getReturn(GetReturnRequest.with { $0.returnID = opened.returnID })
        }
        #expect(current.state == .refundRequested)
        // The approval retried changes nothing.
        _ = try await warehouse.recordInspection(inspection)

        let agent = Refunds.Client(try keys.client(port: refundsPort, "agent-1", .agent))
        let refundsOfOrder = try await agent.listRefunds(ListRefundsRequest.with { $0.orderID = "o-1" }).refunds
        #expect(refundsOfOrder.count == 1)
        #expect(refundsOfOrder.first?.refundID == current.refundID)
        #expect(refundsOfOrder.first?.amount?.minorUnits == 2_500)

        for process in [returns, refunds, orders] { process.send(SIGTERM) }
        for process in [returns, refunds, orders] { #expect(try await process.waitForExit() == 0) }
    }
}

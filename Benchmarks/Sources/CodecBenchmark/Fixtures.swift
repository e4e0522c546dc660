import BenchMessages
import CommonAPI
import OrdersAPI
import Wire

/// The two benchmark messages, built with the project's generated types.
enum Fixtures {
    static let now = Timestamp(seconds: 1_795_000_000, nanos: 123_000_000)

    static func money(_ minorUnits: Int64) -> Money {
        Money.with {
            $0.minorUnits = minorUnits
            $0.currencyCode = "EUR"
        }
    }

    static func trackingEvent(_ index: Int) -> TrackingEvent {
        TrackingEvent.with {
            $0.eventID = "EVT-\(index)-8f3a1c"
            $0.carrier = "DHL"
            $0.trackingNumber = "JD014600006281234567"
            $0.status = .inTransit
            $0.description = "Departed sorting centre"
            $0.location = "Leipzig, DE"
            $0.occurredAt = Timestamp(seconds: now.seconds - Int64(3_600 * index))
        }
    }

    /// (a) The small message: an order status reply.
    static func statusReply() -> OrderStatusReply {
        OrderStatusReply.with {
            $0.orderID = "ORD-2026-000123"
            $0.status = .inTransit
            $0.latestEvent = trackingEvent(1)
            $0.updatedAt = now
            $0.summary = "Your order is with the carrier (in transit)."
            $0.openIssueCount = 1
        }
    }

    /// (b) The large message: an order with 50 lines and an issue with a 100-entry log.
    static func orderWithIssue() -> OrderWithIssue {
        let order = Order.with { order in
            order.orderID = "ORD-2026-000123"
            order.customerID = "CUS-000042"
            order.lines = (1...50).map { number in
                OrderLine.with {
                    $0.lineNumber = Int32(number)
                    $0.sku = "SKU-\(10_000 + number)"
                    $0.title = "Stainless steel water bottle, 750 ml, model \(number)"
                    $0.quantity = Int32(number % 4 + 1)
                    $0.unitPrice = money(Int64(1_999 + number * 10))
                }
            }
            order.total = money(250_000)
            order.payments = [
                Payment.with {
                    $0.paymentID = "PAY-77aa"
                    $0.amount = money(250_000)
                    $0.method = "card"
                    $0.capturedAt = now
                }
            ]
            order.shippingAddress = Address.with {
                $0.recipient = "Jürgen Müller"
                $0.line1 = "Hauptstraße 5"
                $0.city = "Berlin"
                $0.postalCode = "10115"
                $0.countryCode = "DE"
            }
            order.status = .delivered
            order.placedAt = Timestamp(seconds: now.seconds - 86_400 * 5)
            order.deliveredAt = now
            order.trackingEvents = (1...10).map(trackingEvent)
            order.fairness = FairnessAttributes.with {
                $0.region = "DE"
                $0.orderValue = money(250_000)
                $0.accountCreatedAt = Timestamp(seconds: 1_600_000_000)
            }
        }
        let issue = Issue.with { issue in
            issue.issueID = "ISS-000981"
            issue.orderID = order.orderID
            issue.customerID = order.customerID
            issue.category = .shippingAnomaly
            issue.cause = .shipping
            issue.resolution = .reship
            issue.state = .resolved
            issue.description = "The parcel arrived with a crushed corner and two bottles are dented."
            issue.decisionRule = PolicyReference.with {
                $0.policyVersion = "2026.1"
                $0.ruleID = "orders.shipping-anomaly.shipping"
                $0.ruleText = "Shipping anomalies caused in transport are resolved by reshipping at no cost."
            }
            issue.followedPlaybook = true
            issue.log = (1...100).map { sequence in
                IssueLogEntry.with {
                    $0.sequence = Int32(sequence)
                    $0.actor = Actor.with {
                        $0.subject = sequence % 2 == 0 ? "agent-17" : "CUS-000042"
                        $0.role = sequence % 2 == 0 ? .agent : .customer
                    }
                    $0.action = "note"
                    $0.detail = "Step \(sequence): checked the carrier scan history and the photos."
                    $0.at = Timestamp(seconds: now.seconds + Int64(sequence * 60))
                }
            }
            issue.reportedAt = now
            issue.resolvedAt = Timestamp(seconds: now.seconds + 7_200)
        }
        return OrderWithIssue.with {
            $0.order = order
            $0.issue = issue
        }
    }
}

import Foundation
import OrdersDomain
import SupportPolicy

/// Orders and actors for the domain tests.
enum OrderFixtures {
    static let placed = Date(timeIntervalSince1970: 1_790_000_000)
    static let now = placed.addingTimeInterval(10 * 86_400)
    static let customer = Actor(subject: "customer-1", role: .customer)
    static let agent = Actor(subject: "agent-1", role: .agent)
    static let address = Address(
        recipient: "Ana Lima", line1: "Rua A 1", city: "Lisboa", postalCode: "1000-001", countryCode: "PT")

    /// An order in `status`, with the dates that status needs.
    static func order(
        _ status: OrderStatus = .placed, id: String = "order-1", fairness: FairnessFacts = FairnessFacts()
    ) -> Order {
        Order(
            id: id, customerID: customer.subject,
            lines: [
                OrderLine(
                    number: 1, sku: "SKU-1", title: "Kettle", quantity: 2,
                    unitPrice: Money(minorUnits: 2_500, currency: "EUR")),
                OrderLine(
                    number: 2, sku: "SKU-2", title: "Mug", quantity: 1,
                    unitPrice: Money(minorUnits: 900, currency: "EUR")),
            ],
            payments: [
                Payment(
                    id: "pay-1", amount: Money(minorUnits: 5_900, currency: "EUR"), method: "card", capturedAt: placed)
            ],
            shippingAddress: address, status: status, placedAt: placed,
            shippedAt: status.hasShipped ? placed.addingTimeInterval(86_400) : nil,
            deliveredAt: status == .delivered ? placed.addingTimeInterval(3 * 86_400) : nil, fairness: fairness)
    }
}

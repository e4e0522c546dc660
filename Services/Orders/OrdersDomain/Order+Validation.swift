import Foundation
import SupportPolicy

extension Order {
    /// Longest free-text field.
    public static let maximumTextLength = 4_000
    /// Most lines an order may have.
    public static let maximumLines = 500
    /// Most payments an order may have.
    public static let maximumPayments = 100

    /// Checks an order arriving from the platform: ids, lines, one valid currency, payments not
    /// exceeding the total, tracking events as ``record(_:now:)`` checks them, consistent dates,
    /// none in the future, and each list within its bound. Throws ``OrdersError/invalid(_:)``.
    public func validate(now: Date) throws(OrdersError) {
        try Self.checkID(id, "order.order_id")
        try Self.checkID(customerID, "order.customer_id")
        guard !lines.isEmpty else { throw .invalid("order.lines must not be empty") }
        guard lines.count <= Self.maximumLines else {
            throw .invalid("order.lines has more than \(Self.maximumLines) lines")
        }
        guard Currency.isValid(currency) else {
            throw .invalid("order currency '\(currency)' is not an ISO 4217 code the platform accepts")
        }
        for (index, line) in lines.enumerated() {
            guard line.number == index + 1 else { throw .invalid("order.lines must be numbered 1, 2, 3, ... in order") }
            guard line.quantity >= 1, line.quantity <= 10_000 else {
                throw .invalid("order.lines[\(index)].quantity must be between 1 and 10000")
            }
            guard line.unitPrice.minorUnits >= 0 else { throw .invalid("order.lines[\(index)].unit_price is negative") }
            guard line.unitPrice.currency == currency else {
                throw .invalid("order.lines[\(index)].unit_price is in \(line.unitPrice.currency), not \(currency)")
            }
            guard !line.sku.isEmpty, TextLimit.admits(line.sku, characters: 100) else {
                throw .invalid("order.lines[\(index)].sku must be 1 to 100 characters (400 UTF-8 bytes)")
            }
            guard TextLimit.admits(line.title, characters: 500) else {
                throw .invalid("order.lines[\(index)].title is too long")
            }
            guard line.amount != nil else { throw .invalid("order.lines[\(index)] amount overflows") }
        }
        guard Money.sum(lines.compactMap(\.amount), currency: currency) != nil else {
            throw .invalid("order total overflows")
        }
        guard payments.count <= Self.maximumPayments else {
            throw .invalid("order.payments has more than \(Self.maximumPayments) payments")
        }
        var paymentIDs: Set<String> = []
        for (index, payment) in payments.enumerated() {
            try Self.checkID(payment.id, "order.payments[\(index)].payment_id")
            guard paymentIDs.insert(payment.id).inserted else {
                throw .invalid("order.payments[\(index)].payment_id '\(payment.id)' is repeated")
            }
            guard TextLimit.admits(payment.method, characters: 100) else {
                throw .invalid("order.payments[\(index)].method is too long")
            }
            guard payment.amount.currency == currency else {
                throw .invalid("order.payments[\(index)].amount is in \(payment.amount.currency), not \(currency)")
            }
            guard payment.amount.minorUnits > 0 else {
                throw .invalid("order.payments[\(index)].amount must be positive")
            }
            guard payment.capturedAt <= now else {
                throw .invalid("order.payments[\(index)].captured_at is in the future")
            }
        }
        guard let paidSum = Money.sum(payments.map(\.amount), currency: currency),
            paidSum.minorUnits <= total.minorUnits
        else { throw .invalid("order.payments add up to more than the order total \(total)") }
        guard trackingEvents.count <= Self.maximumTrackingEvents else {
            throw .invalid("order.tracking_events has more than \(Self.maximumTrackingEvents) events")
        }
        var eventIDs: Set<String> = []
        for (index, event) in trackingEvents.enumerated() {
            try Self.check(event, "order.tracking_events[\(index)]", now: now, placedAt: placedAt)
            guard eventIDs.insert(event.id).inserted else {
                throw .invalid("order.tracking_events[\(index)].event_id '\(event.id)' is repeated")
            }
        }
        if let problem = shippingAddress.problem { throw .invalid("order.shipping_\(problem)") }
        guard placedAt <= now else { throw .invalid("order.placed_at is in the future") }
        if let shippedAt {
            guard shippedAt >= placedAt, shippedAt <= now else {
                throw .invalid("order.shipped_at must be between placed_at and now")
            }
        }
        if let deliveredAt {
            guard let shippedAt, deliveredAt >= shippedAt, deliveredAt <= now else {
                throw .invalid("order.delivered_at needs shipped_at and must be between it and now")
            }
        }
        guard TextLimit.admits(customerNote, characters: Self.maximumTextLength) else {
            throw .invalid(
                "order.customer_note is longer than \(TextLimit.describe(characters: Self.maximumTextLength))")
        }
        switch status {
        case .delivered where deliveredAt == nil: throw .invalid("a delivered order needs delivered_at")
        case .shipped, .inTransit: if shippedAt == nil { throw .invalid("a shipped order needs shipped_at") }
        default: break
        }
    }

    /// Admits an order arriving from the platform (ImportOrder, or seeding): checks it
    /// (``validate(now:)``), then settles what it keeps from then on: each line's paid share
    /// frozen (``freezePaidShares()``) and its tracking events in the order
    /// ``record(_:now:)`` keeps (``sortTrackingEvents()``).
    public mutating func admit(now: Date) throws(OrdersError) {
        try validate(now: now)
        freezePaidShares()
        sortTrackingEvents()
    }

    /// Checks an id: 1 to 128 printable ASCII characters.
    public static func checkID(_ value: String, _ field: String) throws(OrdersError) {
        guard !value.isEmpty else { throw .invalid("\(field) is required") }
        guard value.utf8.count <= 128, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalid("\(field) must be 1 to 128 printable ASCII characters")
        }
    }

    /// Checks free text: 1 to ``maximumTextLength`` characters and 4x as many UTF-8 bytes (``TextLimit``).
    public static func checkText(_ value: String, _ field: String) throws(OrdersError) {
        guard !TextLimit.isBlank(value) else {
            throw .invalid("\(field) is required")
        }
        guard TextLimit.admits(value, characters: maximumTextLength) else {
            throw .invalid("\(field) is longer than \(TextLimit.describe(characters: maximumTextLength))")
        }
    }
}

import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import SupportPolicy
import Wire

extension Order {
    /// The contract's message for this order.
    var wire: WireOrder {
        WireOrder.with {
            $0.orderID = id
            $0.customerID = customerID
            $0.lines = lines.map(\.wire)
            $0.total = total.wire
            $0.payments = payments.map(\.wire)
            $0.shippingAddress = shippingAddress.wire
            $0.status = status.wire
            $0.placedAt = Timestamp(placedAt)
            $0.shippedAt = shippedAt.map { Timestamp($0) }
            $0.deliveredAt = deliveredAt.map { Timestamp($0) }
            $0.trackingEvents = trackingEvents.map(\.wire)
            $0.fairness = fairness.wire
            $0.customerNote = customerNote
        }
    }

    /// The order as the carrier sees it in RecordTrackingEvent's reply: its id, status, dates and
    /// tracking events; not the customer, lines, payments, address, fairness facts or note, which
    /// a carrier has no need of (and which the idempotency record of every event would keep again).
    var trackingWire: WireOrder {
        WireOrder.with {
            $0.orderID = id
            $0.status = status.wire
            $0.placedAt = Timestamp(placedAt)
            $0.shippedAt = shippedAt.map { Timestamp($0) }
            $0.deliveredAt = deliveredAt.map { Timestamp($0) }
            $0.trackingEvents = trackingEvents.map(\.wire)
        }
    }

    /// The order in a message from the platform or the store (validated separately, with
    /// ``OrdersDomain/Order/validate(now:)``). An order stored before shares were frozen gets them
    /// frozen now, from its lines and payments; an import re-freezes them (``importOrder``).
    init(wire: WireOrder) throws(OrdersError) {
        let status: OrderStatus
        switch wire.status {
        case .unspecified: status = .placed
        default:
            guard let known = OrderStatus(rawValue: Int(wire.status.rawValue)) else {
                throw .invalid("order.status \(wire.status.rawValue) is not a known status")
            }
            status = known
        }
        guard let placedAt = wire.placedAt else { throw .invalid("order.placed_at is required") }
        var lines: [OrderLine] = []
        for (index, line) in wire.lines.enumerated() {
            guard let price = line.unitPrice else { throw .invalid("order.lines[\(index)].unit_price is required") }
            lines.append(
                OrderLine(
                    number: Int(line.lineNumber), sku: line.sku, title: line.title, quantity: Int(line.quantity),
                    unitPrice: Money(trustedWire: price),
                    paidShare: line.paidShare.map { Money(trustedWire: $0) }))
        }
        var payments: [Payment] = []
        for (index, payment) in wire.payments.enumerated() {
            guard let amount = payment.amount, let captured = payment.capturedAt else {
                throw .invalid("order.payments[\(index)] needs amount and captured_at")
            }
            payments.append(
                Payment(
                    id: payment.paymentID, amount: Money(trustedWire: amount),
                    method: payment.method,
                    capturedAt: try Self.date(of: captured, "order.payments[\(index)].captured_at")))
        }
        guard let address = wire.shippingAddress else { throw .invalid("order.shipping_address is required") }
        var events: [TrackingEvent] = []
        for (index, event) in wire.trackingEvents.enumerated() {
            events.append(try TrackingEvent(wire: event, field: "order.tracking_events[\(index)]"))
        }
        let fairness: FairnessFacts
        do {
            fairness = try FairnessFacts(wire: wire.fairness, field: "order.fairness")
        } catch {
            throw .invalid(error.message)
        }
        self.init(
            id: wire.orderID, customerID: wire.customerID, lines: lines, payments: payments,
            shippingAddress: Address(wire: address), status: status,
            placedAt: try Self.date(of: placedAt, "order.placed_at"),
            shippedAt: try wire.shippedAt.map { (shipped) throws(OrdersError) in
                try Self.date(of: shipped, "order.shipped_at")
            },
            deliveredAt: try wire.deliveredAt.map { (delivered) throws(OrdersError) in
                try Self.date(of: delivered, "order.delivered_at")
            },
            trackingEvents: events, fairness: fairness, customerNote: wire.customerNote)
        if lines.contains(where: { $0.paidShare == nil }) { freezePaidShares() }
        if let total = wire.total, total.minorUnits != 0 || !total.currencyCode.isEmpty, total != self.total.wire {
            throw .invalid(
                "order.total \(total.minorUnits) \(total.currencyCode) is not the sum of the lines (\(self.total))")
        }
    }

    /// The date of a timestamp from the wire as the value of `field`; refused as invalid if it
    /// lies outside the protobuf range (a date that far out would break arithmetic later).
    static func date(of timestamp: Timestamp, _ field: String) throws(OrdersError) -> Date {
        if let problem = timestamp.rangeProblem(field) { throw .invalid(problem) }
        return timestamp.date
    }
}

extension OrderStatus {
    /// The contract's value.
    var wire: WireOrderStatus { WireOrderStatus(rawValue: Int32(rawValue)) }
}

extension OrderLine {
    /// The contract's message.
    var wire: WireOrderLine {
        WireOrderLine.with {
            $0.lineNumber = Int32(clamping: number)
            $0.sku = sku
            $0.title = title
            $0.quantity = Int32(clamping: quantity)
            $0.unitPrice = unitPrice.wire
            $0.paidShare = paidShare?.wire
        }
    }
}

extension Payment {
    /// The contract's message.
    var wire: WirePayment {
        WirePayment.with {
            $0.paymentID = id
            $0.amount = amount.wire
            $0.method = method
            $0.capturedAt = Timestamp(capturedAt)
        }
    }
}

extension Address {
    /// The contract's message.
    var wire: WireAddress {
        WireAddress.with {
            $0.recipient = recipient
            $0.line1 = line1
            $0.line2 = line2
            $0.city = city
            $0.state = state
            $0.postalCode = postalCode
            $0.countryCode = countryCode
        }
    }

    /// The address in a message.
    init(wire: WireAddress) {
        self.init(
            recipient: wire.recipient, line1: wire.line1, line2: wire.line2, city: wire.city, state: wire.state,
            postalCode: wire.postalCode, countryCode: wire.countryCode)
    }
}

extension TrackingEvent {
    /// The contract's message.
    var wire: WireTrackingEvent {
        WireTrackingEvent.with {
            $0.eventID = id
            $0.carrier = carrier
            $0.trackingNumber = trackingNumber
            $0.status = WireTrackingStatus(rawValue: Int32(status.rawValue))
            $0.description = description
            $0.location = location
            $0.occurredAt = Timestamp(occurredAt)
        }
    }

    /// The event in a message; `field` names it in error messages.
    init(wire: WireTrackingEvent, field: String = "event") throws(OrdersError) {
        guard let status = TrackingStatus(rawValue: Int(wire.status.rawValue)) else {
            throw .invalid("\(field).status must be a known tracking status")
        }
        guard let occurredAt = wire.occurredAt else {
            throw .invalid("\(field).occurred_at is required")
        }
        self.init(
            id: wire.eventID, carrier: wire.carrier, trackingNumber: wire.trackingNumber, status: status,
            description: wire.description, location: wire.location,
            occurredAt: try Order.date(of: occurredAt, "\(field).occurred_at"))
    }
}

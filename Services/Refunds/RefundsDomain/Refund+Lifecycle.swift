import Foundation
import SupportPolicy

extension Refund {
    /// Creates a refund of `amount` for an order that paid `paid` and already has `existing`
    /// refunds: positive, in the order's currency, never past what remains refundable, and the
    /// only one of its return or issue (``RefundPolicy/onePerSourceRule``): while a refund of the
    /// same source exists and has not failed, another is refused, whoever asks.
    public static func create(
        id: String, orderID: String, customerID: String, paid: Money, existing: [Refund], amount: Money,
        source: RefundSource, at now: Date
    ) throws(RefundsError) -> Refund {
        guard amount.minorUnits > 0 else { throw .invalid("amount must be positive") }
        guard amount.currency == paid.currency else {
            throw .invalid("amount is in \(amount.currency) but order \(orderID) was paid in \(paid.currency)")
        }
        switch source {
        case .returnID(let value), .issueID(let value), .agentNote(let value):
            guard !value.isEmpty, TextLimit.admits(value, characters: 4_000) else {
                throw .invalid("source is required: 1 to 4000 characters (16000 UTF-8 bytes)")
            }
        }
        if let first = existing.first(where: { $0.source == source && $0.state != .failed }) {
            switch source {
            case .returnID(let value), .issueID(let value):
                let kind = if case .returnID = source { "return" } else { "issue" }
                throw .alreadyRefunded(
                    "\(kind) \(value) already has refund \(first.id) (\(first.state.name), \(first.amount)); one "
                        + "refund per \(kind) (rule \(RefundPolicy.onePerSourceRule.id))")
            case .agentNote: break
            }
        }
        let balance = RefundBalance(paid: paid, refunds: existing)
        guard amount.minorUnits <= balance.refundable.minorUnits else {
            throw .notAllowed(
                "\(amount) exceeds what remains refundable on order \(orderID): \(balance.refundable) "
                    + "(paid \(balance.paid), refunded \(balance.refunded), in progress \(balance.inProgress))")
        }
        return Refund(
            id: id, orderID: orderID, customerID: customerID, amount: amount, state: .pending, source: source,
            approvedAt: now, expectedBy: RefundPolicy.expectedBy(approvedAt: now))
    }

    /// The payment side started paying out.
    public mutating func markProcessing(reference: String, at now: Date) throws(RefundsError) {
        guard state == .pending else { throw refused("marked processing", allowedFrom: [.pending]) }
        try Self.checkReference(reference)
        paymentReference = reference
        state = .processing
    }

    /// The payment side paid it out.
    public mutating func complete(reference: String, at now: Date) throws(RefundsError) {
        guard state.isOpen else { throw refused("completed", allowedFrom: [.pending, .processing]) }
        try Self.checkReference(reference)
        paymentReference = reference
        state = .completed
        finishedAt = now
    }

    /// The payment side could not pay it out.
    public mutating func fail(reason: String, at now: Date) throws(RefundsError) {
        guard state.isOpen else { throw refused("failed", allowedFrom: [.pending, .processing]) }
        guard !reason.isEmpty, TextLimit.admits(reason, characters: 1_000) else {
            throw .invalid("failure_reason must be 1 to 1000 characters (4000 UTF-8 bytes)")
        }
        failureReason = reason
        state = .failed
        finishedAt = now
    }

    private static func checkReference(_ reference: String) throws(RefundsError) {
        guard !reference.isEmpty, TextLimit.admits(reference, characters: 200) else {
            throw .invalid("payment reference must be 1 to 200 characters (800 UTF-8 bytes)")
        }
    }

    private func refused(_ action: String, allowedFrom states: [RefundState]) -> RefundsError {
        .notAllowed(
            "refund \(id) is \(state.name); it can be \(action) only when \(states.map(\.name).joined(separator: " or "))"
        )
    }
}

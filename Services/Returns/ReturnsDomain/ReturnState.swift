/// Where a return is: REQUESTED (label issued) -> RECEIVED -> APPROVED or REJECTED; an approved
/// return then becomes REFUND_REQUESTED or REPLACEMENT_ISSUED, or REFUND_BLOCKED when Refunds
/// refuses its refund for good.
public enum ReturnState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Opened; the prepaid label is issued.
    case requested = 1
    /// The parcel arrived.
    case received
    /// Inspection passed; the remedy is being arranged.
    case approved
    /// Inspection did not support the reason.
    case rejected
    /// Refunds accepted the refund request.
    case refundRequested
    /// A replacement was recorded.
    case replacementIssued
    /// Refunds refused the refund for good; an agent must act.
    case refundBlocked

    /// The name used in messages and events.
    public var name: String {
        switch self {
        case .requested: "REQUESTED"
        case .received: "RECEIVED"
        case .approved: "APPROVED"
        case .rejected: "REJECTED"
        case .refundRequested: "REFUND_REQUESTED"
        case .replacementIssued: "REPLACEMENT_ISSUED"
        case .refundBlocked: "REFUND_BLOCKED"
        }
    }
}

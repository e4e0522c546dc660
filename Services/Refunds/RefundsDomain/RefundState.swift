/// Where a refund is: PENDING -> PROCESSING -> COMPLETED, or FAILED from either open state.
public enum RefundState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Approved; waiting for the payment side.
    case pending = 1
    /// Being paid out.
    case processing
    /// Paid out.
    case completed
    /// Could not be paid out; no longer counts against what remains refundable.
    case failed

    /// Whether the refund is still open (counts as in progress, and can breach its SLA).
    public var isOpen: Bool { self == .pending || self == .processing }

    /// The name used in messages and events.
    public var name: String {
        switch self {
        case .pending: "PENDING"
        case .processing: "PROCESSING"
        case .completed: "COMPLETED"
        case .failed: "FAILED"
        }
    }
}

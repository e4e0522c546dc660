/// The standardized resolutions of the playbook.
public enum Resolution: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Send again at no cost.
    case reship = 1
    /// Prioritize preparation or upgrade shipping.
    case expedite
    /// Refund what was paid for the affected lines.
    case refund
    /// Change the address on the order.
    case updateAddress
    /// Ask the carrier to redirect the parcel.
    case carrierRedirect
    /// Change the order's details.
    case adjustOrder
    /// Correct status and tracking records.
    case correctRecords
    /// Hand to a specialist team.
    case escalate
    /// Mediate between the parties.
    case mediate

    /// How the customer is told, completing "We will ...".
    public var promise: String {
        switch self {
        case .reship: "send your order again at no cost"
        case .expedite: "prioritize your order and upgrade its shipping at no cost"
        case .refund: "refund what you paid for the affected items"
        case .updateAddress: "ship to your corrected address"
        case .carrierRedirect: "ask the carrier to redirect your parcel to the corrected address"
        case .adjustOrder: "change your order as requested"
        case .correctRecords: "correct your order's status and tracking records"
        case .escalate: "hand your case to our specialist team"
        case .mediate: "mediate your dispute with evidence from both sides"
        }
    }

    /// Whether the resolution gives the customer a remedy (for fairness reporting).
    public var isRemedy: Bool { self != .escalate && self != .mediate }
}

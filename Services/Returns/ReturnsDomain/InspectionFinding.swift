/// What the warehouse found.
public enum InspectionFinding: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The items match the stated reason.
    case confirmsReason = 1
    /// The items contradict it.
    case contradictsReason
    /// The items were not in the parcel.
    case itemsNotReturned
}

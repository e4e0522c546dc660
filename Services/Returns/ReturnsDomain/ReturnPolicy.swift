import SupportPolicy

/// The rules of returns beyond the window: remedies, inspection outcomes and labels.
public enum ReturnPolicy {
    /// Replacement is offered only where the product itself was at fault.
    public static let replacementRule = PolicyRule(
        id: "RET-REPLACEMENT",
        text: "A replacement instead of a refund is available for product defect, shipping damage and order mismatch.")
    /// Inspection confirming the reason approves the return.
    public static let approvedRule = PolicyRule(
        id: "RET-INSPECTION-CONFIRMS",
        text: "A return whose inspection confirms the stated reason is approved; the chosen remedy follows.")
    /// Inspection contradicting the reason rejects it.
    public static let contradictedRule = PolicyRule(
        id: "RET-INSPECTION-CONTRADICTS",
        text: "A return whose inspection contradicts the stated reason is rejected; the items are sent back free.")
    /// Items missing from the parcel reject it.
    public static let notReturnedRule = PolicyRule(
        id: "RET-ITEMS-NOT-RETURNED", text: "A return whose parcel does not contain the items is rejected.")
    /// Return shipping is free.
    public static let labelRule = PolicyRule(
        id: "RET-FREE-LABEL", text: "Every return gets a free prepaid label; no fee is ever deducted.")
    /// A refund Refunds refuses for good goes to an agent instead of being retried.
    public static let refundBlockedRule = PolicyRule(
        id: "RET-REFUND-BLOCKED",
        text:
            "An approved return whose refund Refunds refuses for good is not retried: it waits in the agents' queue, "
            + "and the customer is told that an agent is arranging the refund.")
    /// The carrier of return labels.
    public static let labelCarrier = "DHL Returns"
}

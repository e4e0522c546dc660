import SupportPolicy

/// The standardized playbook for order issues: which issues may be reported in which order
/// status, and the one resolution for each category and cause, each with its rule. Decisions
/// read only the case's facts (category, cause, order status); never region, order value or
/// account age.
public enum IssuePlaybook {
    /// What happens to a newly reported issue.
    public enum Admission: Sendable, Hashable {
        /// It waits for an agent to classify its cause.
        case awaitClassification
        /// The facts decide it at once: classified with this cause and resolution.
        case classified(IssueCause, Resolution, PolicyRule)
        /// The facts decide it at once and the resolution is applied at once.
        case resolvedAtOnce(IssueCause, Resolution, PolicyRule)
        /// A dispute: mediation with evidence from both sides.
        case mediation(PolicyRule)
    }

    /// The resolution for each agent-classified category and cause.
    public static let resolutions: [IssueCategory: [IssueCause: Resolution]] = [
        .processingDelay: [.systemTechnicalFault: .expedite, .shipping: .expedite, .humanError: .expedite],
        .trackingNotUpdated: [
            .systemTechnicalFault: .correctRecords, .shipping: .reship, .humanError: .correctRecords,
        ],
        .statusAnomaly: [.systemTechnicalFault: .correctRecords, .shipping: .reship, .humanError: .correctRecords],
        .shippingAnomaly: [.systemTechnicalFault: .reship, .shipping: .reship, .humanError: .reship],
    ]

    /// The rule deciding `category` caused by `cause`.
    public static func rule(for category: IssueCategory, cause: IssueCause, resolution: Resolution) -> PolicyRule {
        PolicyRule(
            id: "ORD-\(category.name)-\(cause.name)",
            text:
                "An order issue of category \(category.name) caused by \(cause.name) is resolved by: we \(resolution.promise)."
        )
    }

    /// The rule for address corrections before shipment.
    public static let addressBeforeShipment = PolicyRule(
        id: "ORD-ADDRESS-BEFORE-SHIPMENT",
        text: "Before shipment, a corrected address is changed on the order at once.")
    /// The rule for address corrections after shipment.
    public static let addressAfterShipment = PolicyRule(
        id: "ORD-ADDRESS-AFTER-SHIPMENT",
        text: "After shipment, a corrected address is sent to the carrier as a redirect request at once.")
    /// The rule for detail adjustments.
    public static let adjustmentBeforeShipment = PolicyRule(
        id: "ORD-ADJUST-BEFORE-SHIPMENT",
        text: "Before shipment, quantities may be lowered, lines removed and the note changed; an agent applies it.")
    /// The rule for disputes.
    public static let disputeMediation = PolicyRule(
        id: "ORD-DISPUTE-MEDIATION",
        text: "A dispute is mediated: evidence from both sides, then a decision with its rationale.")
    /// The rule deciding a dispute's remedy.
    public static let disputeDecision = PolicyRule(
        id: "ORD-DISPUTE-DECISION",
        text: "An upheld or settled customer claim is remedied by a refund; an upheld merchant position has no remedy.")

    /// How an issue of `category` reported on an order in `status` is admitted, or why it is not.
    public static func admission(of category: IssueCategory, orderStatus status: OrderStatus) throws(OrdersError)
        -> Admission
    {
        switch category {
        case .processingDelay:
            guard status == .placed || status == .processing else {
                throw .notAllowed("a processing delay can be reported only before shipment; the order \(status.phrase)")
            }
            return .awaitClassification
        case .trackingNotUpdated:
            guard status == .shipped || status == .inTransit else {
                throw .notAllowed(
                    "tracking can be reported stale only while the parcel is with the carrier; the order \(status.phrase)"
                )
            }
            return .awaitClassification
        case .statusAnomaly:
            return .awaitClassification
        case .shippingAnomaly:
            guard status.hasShipped else {
                throw .notAllowed("a shipping anomaly needs a shipment; the order \(status.phrase)")
            }
            return .awaitClassification
        case .addressCorrection:
            guard status != .delivered, status != .cancelled else {
                throw .notAllowed("the address of an order that \(status.phrase) cannot be corrected")
            }
            return status.hasShipped
                ? .resolvedAtOnce(.humanError, .carrierRedirect, addressAfterShipment)
                : .resolvedAtOnce(.humanError, .updateAddress, addressBeforeShipment)
        case .orderDetailAdjustment:
            guard !status.hasShipped, status != .cancelled else {
                throw .notAllowed("the details of an order that \(status.phrase) cannot change")
            }
            return .classified(.humanError, .adjustOrder, adjustmentBeforeShipment)
        case .dispute:
            return .mediation(disputeMediation)
        }
    }

    /// The resolution and rule for an agent's classification.
    public static func resolution(for category: IssueCategory, cause: IssueCause) throws(OrdersError)
        -> (Resolution, PolicyRule)
    {
        guard let resolution = resolutions[category]?[cause] else {
            throw .notAllowed("\(category.name) issues are not classified by an agent")
        }
        return (resolution, rule(for: category, cause: cause, resolution: resolution))
    }
}

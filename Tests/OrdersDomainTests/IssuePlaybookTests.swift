import Foundation
import OrdersDomain
import SupportPolicy
import Testing

/// The playbook: which issues each order status admits, and the one resolution (with its rule)
/// for every category and cause.
@Suite struct IssuePlaybookTests {
    /// Categories an agent classifies, each cause, and the resolution the policy names.
    static let table: [(IssueCategory, IssueCause, Resolution)] = [
        (.processingDelay, .systemTechnicalFault, .expedite), (.processingDelay, .shipping, .expedite),
        (.processingDelay, .humanError, .expedite),
        (.trackingNotUpdated, .systemTechnicalFault, .correctRecords), (.trackingNotUpdated, .shipping, .reship),
        (.trackingNotUpdated, .humanError, .correctRecords),
        (.statusAnomaly, .systemTechnicalFault, .correctRecords), (.statusAnomaly, .shipping, .reship),
        (.statusAnomaly, .humanError, .correctRecords),
        (.shippingAnomaly, .systemTechnicalFault, .reship), (.shippingAnomaly, .shipping, .reship),
        (.shippingAnomaly, .humanError, .reship),
    ]

    @Test(arguments: table)
    func classificationGivesTheStandardResolutionAndCitesItsRule(
        _ category: IssueCategory, _ cause: IssueCause, _ expected: Resolution
    ) throws {
        let (resolution, rule) = try IssuePlaybook.resolution(for: category, cause: cause)
        #expect(resolution == expected)
        #expect(rule.id == "ORD-\(category.name)-\(cause.name)")
        #expect(rule.version == Policy.version)
        #expect(!rule.text.isEmpty)
    }

    @Test(arguments: [IssueCategory.addressCorrection, .orderDetailAdjustment, .dispute])
    func categoriesDecidedFromFactsAreNotClassifiedByAgents(_ category: IssueCategory) {
        #expect(throws: OrdersError.self) { try IssuePlaybook.resolution(for: category, cause: .humanError) }
    }

    /// Which statuses admit which category (true: admitted).
    @Test(arguments: IssueCategory.allCases)
    func admissionFollowsTheOrderStatus(_ category: IssueCategory) {
        let admitted: Set<OrderStatus> =
            switch category {
            case .processingDelay: [.placed, .processing]
            case .trackingNotUpdated: [.shipped, .inTransit]
            case .statusAnomaly: Set(OrderStatus.allCases)
            case .shippingAnomaly: [.shipped, .inTransit, .delivered]
            case .addressCorrection: [.placed, .processing, .shipped, .inTransit]
            case .orderDetailAdjustment: [.placed, .processing]
            case .dispute: Set(OrderStatus.allCases)
            }
        for status in OrderStatus.allCases {
            let result = Result { () throws(OrdersError) in
                try IssuePlaybook.admission(of: category, orderStatus: status)
            }
            switch result {
            case .success: #expect(admitted.contains(status), "\(category) admitted on \(status)")
            case .failure(let error):
                #expect(!admitted.contains(status), "\(category) refused on \(status): \(error)")
                guard case .notAllowed(let message) = error else {
                    Testing.Issue.record("expected notAllowed, got \(error)")
                    continue
                }
                #expect(message.contains(status.phrase), "the refusal says why: \(message)")
            }
        }
    }

    @Test func addressCorrectionIsAnUpdateBeforeShipmentAndARedirectAfter() throws {
        for status in [OrderStatus.placed, .processing] {
            guard
                case .resolvedAtOnce(_, .updateAddress, let rule) = try IssuePlaybook.admission(
                    of: .addressCorrection, orderStatus: status)
            else { throw OrdersError.invalid("expected an address update on \(status)") }
            #expect(rule.id == "ORD-ADDRESS-BEFORE-SHIPMENT")
        }
        for status in [OrderStatus.shipped, .inTransit] {
            guard
                case .resolvedAtOnce(_, .carrierRedirect, let rule) = try IssuePlaybook.admission(
                    of: .addressCorrection, orderStatus: status)
            else { throw OrdersError.invalid("expected a carrier redirect on \(status)") }
            #expect(rule.id == "ORD-ADDRESS-AFTER-SHIPMENT")
        }
    }
}

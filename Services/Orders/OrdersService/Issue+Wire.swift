import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import Runtime
import SupportPolicy
import Wire

extension Issue {
    /// The contract's message for this issue.
    var wire: WireIssue {
        WireIssue.with {
            $0.issueID = id
            $0.orderID = orderID
            $0.customerID = customerID
            $0.category = WireIssueCategory(rawValue: Int32(category.rawValue))
            $0.cause = cause.map { WireIssueCause(rawValue: Int32($0.rawValue)) } ?? .unspecified
            $0.resolution = resolution.map { WireResolution(rawValue: Int32($0.rawValue)) } ?? .unspecified
            $0.state = WireIssueState(rawValue: Int32(state.rawValue))
            $0.description = description
            $0.decisionRule = decisionRule?.wire
            $0.followedPlaybook = followedPlaybook
            $0.log = log.map(\.wire)
            $0.messages = messages.map(\.wire)
            $0.notifications = notifications.map { notification in
                Notification.with {
                    $0.notificationID = notification.id
                    $0.customerID = notification.customerID
                    $0.text = notification.text
                    $0.createdAt = Timestamp(notification.createdAt)
                }
            }
            $0.dispute = dispute?.wire
            $0.requestedAddress = requestedAddress?.wire
            $0.reportedAt = Timestamp(reportedAt)
            $0.resolvedAt = resolvedAt.map { Timestamp($0) }
            $0.firstResponseAt = firstResponseAt.map { Timestamp($0) }
        }
    }

    /// An issue as the store kept it (written by ``wire``, so every field is known).
    init(stored wire: WireIssue) throws(OrdersError) {
        guard let category = IssueCategory(rawValue: Int(wire.category.rawValue)),
            let state = IssueState(rawValue: Int(wire.state.rawValue)), let reportedAt = wire.reportedAt
        else { throw .invalid("stored issue \(wire.issueID) is unreadable") }
        self.init(
            id: wire.issueID, orderID: wire.orderID, customerID: wire.customerID, category: category,
            cause: IssueCause(rawValue: Int(wire.cause.rawValue)),
            resolution: Resolution(rawValue: Int(wire.resolution.rawValue)), state: state,
            description: wire.description, decisionRule: wire.decisionRule.map { PolicyRule(wire: $0) },
            followedPlaybook: wire.followedPlaybook,
            log: wire.log.map { entry in
                IssueLogEntry(
                    sequence: Int(entry.sequence), actor: Actor(wire: entry.actor), action: entry.action,
                    detail: entry.detail, rule: entry.rule.map { PolicyRule(wire: $0) },
                    at: entry.at?.date ?? reportedAt.date)
            },
            messages: wire.messages.map { CaseMessage(wire: $0, default: reportedAt.date) },
            notifications: wire.notifications.map { notification in
                CustomerNotification(
                    id: notification.notificationID, customerID: notification.customerID, text: notification.text,
                    createdAt: notification.createdAt?.date ?? reportedAt.date)
            },
            dispute: wire.dispute.map { Dispute(stored: $0, default: reportedAt.date) },
            requestedAddress: wire.requestedAddress.map { Address(wire: $0) }, reportedAt: reportedAt.date,
            resolvedAt: wire.resolvedAt?.date, firstResponseAt: wire.firstResponseAt?.date)
    }
}

extension IssueLogEntry {
    /// The contract's message.
    var wire: WireIssueLogEntry {
        WireIssueLogEntry.with {
            $0.sequence = Int32(clamping: sequence)
            $0.actor = actor.wire
            $0.action = action
            $0.detail = detail
            $0.rule = rule?.wire
            $0.at = Timestamp(at)
        }
    }
}

extension Dispute {
    /// The contract's message.
    var wire: WireDispute {
        WireDispute.with {
            $0.evidence = evidence.map { item in
                WireDisputeEvidence.with {
                    $0.party = WireDisputeParty(rawValue: Int32(item.party.rawValue))
                    $0.statement = item.statement
                    $0.attachmentUris = item.attachmentURIs
                    $0.submittedBy = item.submittedBy.wire
                    $0.submittedAt = Timestamp(item.submittedAt)
                }
            }
            $0.outcome = outcome.map { WireDisputeOutcome(rawValue: Int32($0.rawValue)) } ?? .unspecified
            $0.rationale = rationale
            $0.remedy = outcome?.remedy.map { WireResolution(rawValue: Int32($0.rawValue)) } ?? .unspecified
        }
    }

    /// A stored dispute.
    init(stored wire: WireDispute, default date: Date) {
        self.init()
        evidence = wire.evidence.map { item in
            DisputeEvidence(
                party: DisputeParty(rawValue: Int(item.party.rawValue)) ?? .customer, statement: item.statement,
                attachmentURIs: item.attachmentUris, submittedBy: Actor(wire: item.submittedBy),
                submittedAt: item.submittedAt?.date ?? date)
        }
        outcome = DisputeOutcome(rawValue: Int(wire.outcome.rawValue))
        rationale = wire.rationale
    }
}

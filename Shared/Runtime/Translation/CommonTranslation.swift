import CommonAPI
import Foundation
import RPC
import SupportPolicy
import Wire

/// Translation between the shared domain values (SupportPolicy) and their wire messages
/// (support.common.v1), for every service's handlers.
extension SupportPolicy.Money {
    /// The wire message.
    public var wire: CommonAPI.Money {
        CommonAPI.Money.with {
            $0.minorUnits = minorUnits
            $0.currencyCode = currency
        }
    }

    /// The amount in `wire`, checked: a known ISO 4217 code, and non-negative unless allowed.
    public init(wire: CommonAPI.Money?, field: String, allowNegative: Bool = false) throws(RPCError) {
        guard let wire else { throw RPCError(.invalidArgument, "\(field) is required") }
        guard Currency.isValid(wire.currencyCode) else {
            throw RPCError(
                .invalidArgument,
                "\(field).currency_code '\(wire.currencyCode)' is not an ISO 4217 code the platform accepts")
        }
        guard allowNegative || wire.minorUnits >= 0 else { throw RPCError(.invalidArgument, "\(field) is negative") }
        self.init(minorUnits: wire.minorUnits, currency: wire.currencyCode)
    }

    /// The amount in `wire` as it is, unchecked: only for amounts this platform wrote itself (a
    /// record read back, a peer's answer); an amount from a caller goes through
    /// ``init(wire:field:allowNegative:)``.
    public init(trustedWire wire: CommonAPI.Money) {
        self.init(minorUnits: wire.minorUnits, currency: wire.currencyCode)
    }
}

extension SupportPolicy.PolicyRule {
    /// The wire reference.
    public var wire: PolicyReference {
        PolicyReference.with {
            $0.policyVersion = version
            $0.ruleID = id
            $0.ruleText = text
        }
    }

    /// The rule a wire reference names.
    public init(wire: PolicyReference) {
        self.init(id: wire.ruleID, text: wire.ruleText, version: wire.policyVersion)
    }
}

extension SupportPolicy.Actor {
    /// The wire actor.
    public var wire: CommonAPI.Actor {
        CommonAPI.Actor.with {
            $0.subject = subject
            $0.role =
                switch role {
                case .customer: .customer
                case .agent: .agent
                case .service: .service
                case .auditor: .auditor
                }
        }
    }

    /// The actor of a wire actor (an unknown role reads as a service).
    public init(wire: CommonAPI.Actor?) {
        let role: Role =
            switch wire?.role {
            case .customer: .customer
            case .agent: .agent
            case .auditor: .auditor
            default: .service
            }
        self.init(subject: wire?.subject ?? "", role: role)
    }

    /// The actor of an authenticated caller.
    public init(_ identity: Identity) {
        let role: Role =
            switch identity.role {
            case .customer: .customer
            case .agent: .agent
            case .service: .service
            case .auditor: .auditor
            }
        self.init(subject: identity.subject, role: role)
    }
}

extension FairnessFacts {
    /// The wire attributes.
    public var wire: FairnessAttributes {
        FairnessAttributes.with {
            $0.region = region
            $0.orderValue = orderValue?.wire
            $0.accountCreatedAt = accountCreatedAt.map { Timestamp($0) }
        }
    }

    /// The facts in wire attributes (absent parts stay absent); INVALID_ARGUMENT naming
    /// `field.account_created_at` if that lies outside the protobuf range.
    public init(wire: FairnessAttributes?, field: String = "fairness") throws(RPCError) {
        self.init(
            region: wire?.region ?? "",
            orderValue: wire?.orderValue.map {
                SupportPolicy.Money(trustedWire: $0)
            },
            accountCreatedAt: try wire?.accountCreatedAt.map { (created) throws(RPCError) in
                try created.validDate("\(field).account_created_at")
            })
    }
}

extension SupportPolicy.CaseMessage {
    /// The wire message.
    public var wire: CommonAPI.CaseMessage {
        CommonAPI.CaseMessage.with {
            $0.messageID = id
            $0.author = author.wire
            $0.text = text
            $0.sentAt = Timestamp(sentAt)
        }
    }

    /// A stored message (`date` stands in for a missing send time).
    public init(wire: CommonAPI.CaseMessage, default date: Date) {
        self.init(
            id: wire.messageID, author: SupportPolicy.Actor(wire: wire.author), text: wire.text,
            sentAt: wire.sentAt?.date ?? date)
    }
}

extension SupportPolicy.CaseMessage {
    /// This message as the record that `customerID` was informed of it.
    public func notification(for customerID: String) -> CommonAPI.Notification {
        CommonAPI.Notification.with {
            $0.notificationID = id
            $0.customerID = customerID
            $0.text = text
            $0.createdAt = Timestamp(sentAt)
        }
    }

    /// A stored notification as the message `service` sent (`date` stands in for a missing time).
    public init(notification: CommonAPI.Notification, from service: String, default date: Date) {
        self.init(
            id: notification.notificationID, author: SupportPolicy.Actor(subject: service, role: .service),
            text: notification.text, sentAt: notification.createdAt?.date ?? date)
    }
}

import CommonAPI
import OrdersAPI
import OrdersDomain
import SupportPolicy

// The domain and the contract name many types alike (Order, Issue, Address, ...). In this module
// the plain names mean the domain's types, and `Wire...` names the contract's messages, so that
// every translation reads plainly.

typealias Order = OrdersDomain.Order
typealias OrderLine = OrdersDomain.OrderLine
typealias OrderStatus = OrdersDomain.OrderStatus
typealias Payment = OrdersDomain.Payment
typealias Address = OrdersDomain.Address
typealias TrackingEvent = OrdersDomain.TrackingEvent
typealias TrackingStatus = OrdersDomain.TrackingStatus
typealias Issue = OrdersDomain.Issue
typealias IssueCategory = OrdersDomain.IssueCategory
typealias IssueCause = OrdersDomain.IssueCause
typealias IssueState = OrdersDomain.IssueState
typealias IssueLogEntry = OrdersDomain.IssueLogEntry
typealias Resolution = OrdersDomain.Resolution
typealias Dispute = OrdersDomain.Dispute
typealias DisputeEvidence = OrdersDomain.DisputeEvidence
typealias DisputeOutcome = OrdersDomain.DisputeOutcome
typealias DisputeParty = OrdersDomain.DisputeParty
typealias LineAdjustment = OrdersDomain.LineAdjustment
typealias CaseMessage = SupportPolicy.CaseMessage
typealias Money = SupportPolicy.Money
typealias Actor = SupportPolicy.Actor

typealias WireOrder = OrdersAPI.Order
typealias WireOrderLine = OrdersAPI.OrderLine
typealias WireOrderStatus = OrdersAPI.OrderStatus
typealias WirePayment = OrdersAPI.Payment
typealias WireAddress = OrdersAPI.Address
typealias WireTrackingEvent = OrdersAPI.TrackingEvent
typealias WireTrackingStatus = OrdersAPI.TrackingStatus
typealias WireIssue = OrdersAPI.Issue
typealias WireIssueCategory = OrdersAPI.IssueCategory
typealias WireIssueCause = OrdersAPI.IssueCause
typealias WireIssueState = OrdersAPI.IssueState
typealias WireIssueLogEntry = OrdersAPI.IssueLogEntry
typealias WireResolution = OrdersAPI.Resolution
typealias WireDispute = OrdersAPI.Dispute
typealias WireDisputeEvidence = OrdersAPI.DisputeEvidence
typealias WireDisputeOutcome = OrdersAPI.DisputeOutcome
typealias WireDisputeParty = OrdersAPI.DisputeParty
typealias WireCaseMessage = CommonAPI.CaseMessage
typealias WireMoney = CommonAPI.Money

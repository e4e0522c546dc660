import CommonAPI
import ReturnsAPI
import ReturnsDomain
import SupportPolicy

// The domain and the contract share names. In this module the plain names mean the domain's
// types and `Wire...` the contract's messages.

typealias ReturnLine = ReturnsDomain.ReturnLine
typealias ReturnReason = ReturnsDomain.ReturnReason
typealias ReturnRemedy = ReturnsDomain.ReturnRemedy
typealias ReturnState = ReturnsDomain.ReturnState
typealias ReturnLabel = ReturnsDomain.ReturnLabel
typealias ReturnDecision = ReturnsDomain.ReturnDecision
typealias InspectionFinding = ReturnsDomain.InspectionFinding
typealias EligibilityRoute = ReturnsDomain.EligibilityRoute
typealias PurchaseFacts = ReturnsDomain.PurchaseFacts
typealias CaseMessage = SupportPolicy.CaseMessage
typealias Money = SupportPolicy.Money
typealias Actor = SupportPolicy.Actor

typealias WireReturn = ReturnsAPI.Return
typealias WireReturnLine = ReturnsAPI.ReturnLine
typealias WireReturnReason = ReturnsAPI.ReturnReason
typealias WireReturnRemedy = ReturnsAPI.ReturnRemedy
typealias WireReturnState = ReturnsAPI.ReturnState
typealias WireReturnLabel = ReturnsAPI.ReturnLabel
typealias WireReturnDecision = ReturnsAPI.ReturnDecision
typealias WireInspectionFinding = ReturnsAPI.InspectionFinding
typealias WireEligibilityRoute = ReturnsAPI.EligibilityRoute
typealias WireCaseMessage = CommonAPI.CaseMessage

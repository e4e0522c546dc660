import CommonAPI
import RefundsAPI
import RefundsDomain
import SupportPolicy

// The domain and the contract share names (Refund, RefundState, ...). In this module the plain
// names mean the domain's types and `Wire...` the contract's messages.

typealias Refund = RefundsDomain.Refund
typealias RefundState = RefundsDomain.RefundState
typealias RefundSource = RefundsDomain.RefundSource
typealias RefundBalance = RefundsDomain.RefundBalance
typealias Money = SupportPolicy.Money
typealias Actor = SupportPolicy.Actor

typealias WireRefund = RefundsAPI.Refund
typealias WireRefundState = RefundsAPI.RefundState
typealias WireRefundSource = RefundsAPI.RefundSource
typealias WireRefundBalance = RefundsAPI.RefundBalance

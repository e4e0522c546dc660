import InquiriesAPI
import InquiriesDomain
import SupportPolicy

// The domain and the contract share names. In this module the plain names mean the domain's
// types and `Wire...` the contract's messages.

typealias Topic = InquiriesDomain.Topic
typealias KnowledgeRule = InquiriesDomain.KnowledgeRule
typealias Product = InquiriesDomain.Product
typealias RateTable = InquiriesDomain.RateTable
typealias Ticket = InquiriesDomain.Ticket
typealias TicketState = InquiriesDomain.TicketState
typealias AnswerPart = InquiriesDomain.AnswerPart
typealias CurrencyConversion = InquiriesDomain.CurrencyConversion
typealias Money = SupportPolicy.Money
typealias Actor = SupportPolicy.Actor

typealias WireTopic = InquiriesAPI.Topic
typealias WireKnowledgeRule = InquiriesAPI.KnowledgeRule
typealias WireProduct = InquiriesAPI.Product
typealias WireRateTable = InquiriesAPI.RateTable
typealias WireTicket = InquiriesAPI.Ticket
typealias WireTicketState = InquiriesAPI.TicketState
typealias WireAnswerPart = InquiriesAPI.AnswerPart
typealias WireCurrencyConversion = InquiriesAPI.CurrencyConversion

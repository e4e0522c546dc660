import OversightAPI
import OversightDomain

// The domain and the contract share two names. In this module the plain names mean the domain's
// types; the contract's are written `OversightAPI.Complaint` and `OversightAPI.ComplaintState`.

typealias Complaint = OversightDomain.Complaint
typealias ComplaintState = OversightDomain.ComplaintState

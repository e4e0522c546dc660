import CommonAPI
import Foundation
import OversightAPI
import Runtime
import Wire

/// A search of the audit log. Oversight's ListAuditRecords filters by case only; the service,
/// customer and time filters are applied here to the pages it returns, scanning at most
/// ``scanLimit`` records per search from `after` on and showing at most ``resultLimit`` matches,
/// with a link that continues where the scan stopped.
struct AuditSearch: Equatable {
    /// Records read per search at most.
    static let scanLimit = 5_000
    /// Matches shown at most.
    static let resultLimit = 100
    /// The services that record events.
    static let services = ["orders", "returns", "refunds", "inquiries"]

    /// Only this service's records.
    var service: String?
    /// Only this case's records.
    var caseID: String?
    /// Only this customer's records.
    var customer: String?
    /// Only records that occurred on or after this day's start.
    var from: Date?
    /// Only records that occurred before the end of this day.
    var to: Date?
    /// The first sequence to read.
    var after: Int64 = 1

    /// The search a query names.
    init(_ fields: FormFields) throws(PageError) {
        if let service = fields.text("service") {
            guard Self.services.contains(service) else {
                throw PageError.badRequest("'service' must be one of \(Self.services.joined(separator: ", "))")
            }
            self.service = service
        }
        caseID = fields.text("case")
        customer = fields.text("customer")
        for text in [caseID, customer] {
            if let text, text.utf8.count > 256 { throw PageError.badRequest("a search term is at most 256 bytes") }
        }
        if let text = fields.text("from") {
            guard let day = ReportPeriod.parseDay(text) else { throw PageError.badRequest("'from' must be YYYY-MM-DD") }
            from = day
        }
        if let text = fields.text("to") {
            guard let day = ReportPeriod.parseDay(text) else { throw PageError.badRequest("'to' must be YYYY-MM-DD") }
            to = day.addingTimeInterval(86_400)
        }
        if let text = fields.text("after") {
            guard let sequence = Int64(text), sequence >= 1 else {
                throw PageError.badRequest("'after' must be a sequence number from 1")
            }
            after = sequence
        }
    }

    /// Whether the search names any filter (without one, the page lists the log's start).
    var isFiltered: Bool { service != nil || caseID != nil || customer != nil || from != nil || to != nil }

    /// Whether `record` matches.
    func matches(_ record: AuditRecord) -> Bool {
        let event = record.event ?? Event()
        if let service, event.sourceService != service { return false }
        if let caseID, event.aggregateID != caseID { return false }
        if let customer, event.customerID != customer { return false }
        let occurred = Double(event.occurredAt?.seconds ?? 0)
        if let from, occurred < from.timeIntervalSince1970 { return false }
        if let to, occurred >= to.timeIntervalSince1970 { return false }
        return true
    }

    /// Runs the search: the matches, and the sequence to continue from (nil at the log's end).
    func run(_ oversight: Oversight.Client) async throws -> (records: [AuditRecord], next: Int64?) {
        var found: [AuditRecord] = []
        var cursor = after
        var scanned = 0
        while scanned < Self.scanLimit {
            let page = try await oversight.listAuditRecords(
                ListAuditRecordsRequest.with {
                    $0.fromSequence = cursor
                    $0.limit = Int32(min(1_000, Self.scanLimit - scanned))
                    $0.aggregateID = caseID ?? ""
                })
            for record in page.records {
                scanned += 1
                if matches(record) {
                    found.append(record)
                    if found.count == Self.resultLimit { return (found, record.sequence + 1) }
                }
            }
            guard page.nextSequence > cursor else { return (found, nil) }
            cursor = page.nextSequence
        }
        return (found, cursor)
    }
}

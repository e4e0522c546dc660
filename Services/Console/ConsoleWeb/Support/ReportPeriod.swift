import Foundation

/// The period a report page covers: whole UTC days, `firstDay` to `lastDay` inclusive, split into
/// at most 15 equal steps of whole days for the charts. From the query `?from=YYYY-MM-DD&to=
/// YYYY-MM-DD` (or `?days=N` ending today); at most 366 days.
public struct ReportPeriod: Sendable, Equatable {
    /// The longest period, in days.
    public static let maximumDays = 366
    /// The most chart steps.
    public static let maximumSteps = 15

    /// The first day's start (00:00 UTC): the report's `from`.
    public let start: Date
    /// The day after the last day, 00:00 UTC: the report's `to` (exclusive).
    public let end: Date

    /// Days in the period.
    public var days: Int { Int((end.timeIntervalSince(start) / 86_400).rounded()) }
    /// The first day.
    public var firstDay: String { Figures.day(start) }
    /// The last day.
    public var lastDay: String { Figures.day(end.addingTimeInterval(-86_400)) }

    /// A period from `start` to `end` (both UTC midnights).
    init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// The period the query names, or the last 30 days up to `today`; a query that names a
    /// malformed or reversed period, or one longer than 366 days, is a ``PageError`` (400).
    public static func parse(from: String?, to: String?, days: String?, today: Date) throws(PageError) -> ReportPeriod {
        let todayStart = Self.midnight(today)
        if let from, !from.isEmpty {
            guard let first = Self.parseDay(from) else {
                throw PageError.badRequest("'from' must be a date YYYY-MM-DD")
            }
            let last: Date
            if let to, !to.isEmpty {
                guard let parsed = Self.parseDay(to) else {
                    throw PageError.badRequest("'to' must be a date YYYY-MM-DD")
                }
                last = parsed
            } else {
                last = todayStart
            }
            guard first <= last else { throw PageError.badRequest("'from' must not be after 'to'") }
            let period = ReportPeriod(start: first, end: last.addingTimeInterval(86_400))
            guard period.days <= maximumDays else {
                throw PageError.badRequest("a period is at most \(maximumDays) days")
            }
            return period
        }
        var count = 30
        if let days, !days.isEmpty {
            guard let parsed = Int(days), (1...maximumDays).contains(parsed) else {
                throw PageError.badRequest("'days' must be a number from 1 to \(maximumDays)")
            }
            count = parsed
        }
        let end = todayStart.addingTimeInterval(86_400)
        return ReportPeriod(start: end.addingTimeInterval(-86_400 * Double(count)), end: end)
    }

    /// The chart steps: consecutive sub-periods of whole days covering the period, the last one
    /// ending with it (it may be shorter).
    public var steps: [ReportPeriod] {
        let stepDays = max(1, (days + Self.maximumSteps - 1) / Self.maximumSteps)
        var result: [ReportPeriod] = []
        var cursor = start
        while cursor < end {
            let next = min(end, cursor.addingTimeInterval(86_400 * Double(stepDays)))
            result.append(ReportPeriod(start: cursor, end: next))
            cursor = next
        }
        return result
    }

    /// The step's label: its first day ("11-30"), or first and last ("11-28..11-29").
    public var label: String {
        let first = String(firstDay.dropFirst(5))
        return days <= 1 ? first : "\(first)..\(lastDay.dropFirst(5))"
    }

    /// A `YYYY-MM-DD` day between 2000 and 2199, as its 00:00 UTC.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (2000...2199).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    /// The 00:00 UTC that starts `date`'s day.
    static func midnight(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}

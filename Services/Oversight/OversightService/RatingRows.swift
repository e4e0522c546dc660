import CommonAPI
import Foundation
import OversightAPI
import Runtime
import Storage
import Wire

/// A rating as a row of `ratings`. No API message is stored.
enum RatingRows {
    /// The columns ``rating(_:)`` reads, in order.
    static let columns =
        "rating_id, aggregate_type, aggregate_id, customer_id, score, comment, rated_at_seconds, rated_at_nanos"

    /// Stores a new rating of case `caseKey`.
    static func insert(_ rating: Rating, caseKey: String, in db: any SQLConnection) throws {
        let rated = rating.ratedAt ?? Timestamp(seconds: 0, nanos: 0)
        try db.execute(
            """
            INSERT INTO ratings (\(columns), case_key, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                rating.ratingID, rating.aggregateType, rating.aggregateID, rating.customerID, Int64(rating.score),
                rating.comment, rated.seconds, Int64(rated.nanos), caseKey, rated.date.timeIntervalSince1970,
            ])
    }

    /// The rating in `row` (selected with ``columns``).
    static func rating(_ row: SQLRow) throws -> Rating {
        let (id, type, aggregate, customer) = (
            try row.string(0), try row.string(1), try row.string(2), try row.string(3)
        )
        let (score, comment, seconds, nanos) = (try row.int64(4), try row.string(5), try row.int64(6), try row.int64(7))
        guard let score = Int32(exactly: score), let nanos = Int32(exactly: nanos) else {
            throw StoredValueError(column: 4, expected: "a score and nanoseconds in range")
        }
        return Rating.with {
            $0.ratingID = id
            $0.aggregateType = type
            $0.aggregateID = aggregate
            $0.customerID = customer
            $0.score = score
            $0.comment = comment
            $0.ratedAt = Timestamp(seconds: seconds, nanos: nanos)
        }
    }
}

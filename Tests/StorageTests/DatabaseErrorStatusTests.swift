import GRDB
import RPC
import Storage
import Testing

@testable import Runtime

/// SQLite failures become one status each, in one place: a full disk (or a write the disk could
/// not take) is RESOURCE_EXHAUSTED, a lock that outlasted the busy timeout UNAVAILABLE, the rest
/// INTERNAL; never UNKNOWN, never the SQL.
@Suite struct DatabaseErrorStatusTests {
    @Test(arguments: [
        (ResultCode.SQLITE_FULL, StatusCode.resourceExhausted),
        (.SQLITE_IOERR_WRITE, .resourceExhausted),
        (.SQLITE_IOERR_FSYNC, .resourceExhausted),
        (.SQLITE_IOERR_TRUNCATE, .resourceExhausted),
        (.SQLITE_IOERR_READ, .internal),
        (.SQLITE_BUSY, .unavailable),
        (.SQLITE_CORRUPT, .internal),
    ])
    func statusOfASQLiteFailure(_ code: ResultCode, _ status: StatusCode) {
        let error = DatabaseError(resultCode: code, message: "detail", sql: "INSERT INTO secret VALUES (1)")
        let converted = RPCError(converting: error)
        #expect(converted.code == status)
        #expect(!converted.message.contains("secret"))
    }
}

import GRDB
import RPC

/// The one place SQLite failures become gRPC statuses, so a handler may let them propagate: a
/// full disk (SQLITE_FULL, or an I/O error while writing, syncing or growing a file) is
/// RESOURCE_EXHAUSTED, a database still locked after the busy timeout is UNAVAILABLE (worth a
/// retry), anything else INTERNAL. Messages name the failure, never the SQL or the data.
extension DatabaseError: RPCErrorConvertible {
    /// Extended I/O errors that mean the disk could not take the write.
    private static let writeFailures: [ResultCode] = [
        .SQLITE_IOERR_WRITE, .SQLITE_IOERR_FSYNC, .SQLITE_IOERR_DIR_FSYNC, .SQLITE_IOERR_TRUNCATE,
        .SQLITE_IOERR_SHMSIZE, .SQLITE_IOERR_SHMMAP, .SQLITE_IOERR_MMAP,
    ]

    /// The status for this failure.
    public var rpcError: RPCError {
        switch resultCode {
        case .SQLITE_FULL:
            return RPCError(.resourceExhausted, "the service's storage is full; try again once space is freed")
        case .SQLITE_IOERR where Self.writeFailures.contains(extendedResultCode):
            return RPCError(
                .resourceExhausted, "the service could not write to its storage (disk full or failing); try again later"
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return RPCError(.unavailable, "the service's storage is busy; try again")
        default:
            return RPCError(.internal, "the service's storage failed (SQLite result \(extendedResultCode.rawValue))")
        }
    }
}

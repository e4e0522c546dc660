import Storage
import Synchronization

/// The database a ``ServiceProcess`` opened, so that it can close it when the process stops.
final class DatabaseHolder: Sendable {
    private let database = Mutex<ServiceDatabase?>(nil)

    /// Remembers `opened`.
    func set(_ opened: ServiceDatabase) {
        database.withLock { $0 = opened }
    }

    /// The database, if one was opened and not closed yet.
    var current: ServiceDatabase? {
        database.withLock { $0 }
    }

    /// Closes the database, if one was opened (checkpointing the WAL).
    func close() {
        let opened = database.withLock { current in
            defer { current = nil }
            return current
        }
        opened?.close()
    }
}

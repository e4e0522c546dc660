import CSQLiteSettings

/// The process-wide SQLite settings `CSQLiteSettings` applies as the process loads, before any
/// database opens: memory statistics off (with them on, each of SQLite's allocations takes a
/// process-wide mutex), and a default VFS that writes a transaction's WAL frames in one system
/// call (`Shared/CSQLiteSettings/WALWriteBuffer.c`).
public enum SQLiteSettings {
    /// Whether SQLite accepted turning its memory statistics off.
    public static var memoryStatisticsAreOff: Bool {
        csqlite_memory_statistics_result() == 0
    }

    /// The bytes SQLite counts as allocated now: 0 while its statistics are off.
    public static var countedMemory: Int64 {
        csqlite_memory_used()
    }

    /// Whether the WAL-buffering VFS is the process's default.
    public static var walWritesAreGathered: Bool {
        csqlite_wal_buffer_result() == 0
    }
}

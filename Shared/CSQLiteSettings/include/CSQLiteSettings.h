// How this process configures SQLite before anything opens a database (see CSQLiteSettings.c).
#ifndef CSQLITE_SETTINGS_H
#define CSQLITE_SETTINGS_H

/// The bytes SQLite counts as allocated by it at this moment: 0 while its memory statistics are
/// off, as this target turns them off when the process loads.
long long csqlite_memory_used(void);

/// What `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)` returned when the process loaded
/// (SQLITE_OK, 0, when the statistics were turned off).
int csqlite_memory_statistics_result(void);

/// Makes the WAL-buffering VFS (WALWriteBuffer.c) the process's default, wrapping the default
/// before it; returns SQLITE_OK (0) when it did. Called when the process loads.
int csqlite_register_wal_buffer(void);

/// What the registration at load returned (-1 if it did not get as far as registering).
int csqlite_wal_buffer_result(void);

#endif

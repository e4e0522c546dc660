// How this process configures SQLite before anything opens a database (see CSQLiteSettings.c).
#ifndef CSQLITE_SETTINGS_H
#define CSQLITE_SETTINGS_H

/// The bytes SQLite counts as allocated by it at this moment: 0 while its memory statistics are
/// off, as this target turns them off when the process loads.
long long csqlite_memory_used(void);

/// What `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)` returned when the process loaded
/// (SQLITE_OK, 0, when the statistics were turned off).
int csqlite_memory_statistics_result(void);

#endif

// SQLite's process-wide settings, applied when the process loads, before any code can open a
// database: `sqlite3_config` only works before SQLite initializes (at the first open), and it is
// variadic, which Swift cannot call.
//
// Memory statistics off: with them on (Debian's build does), every allocation SQLite makes takes
// and releases one process-wide mutex to keep its counters (about 20 allocations per order read,
// by a `malloc` uprobe, since Debian's build also omits the lookaside allocator). Nothing here
// reads those counters (`sqlite3_memory_used`, `sqlite3_soft_heap_limit64`); the process's RSS is
// what the services report.
#include <sqlite3.h>
#include "CSQLiteSettings.h"

static int memory_statistics_result = -1;

__attribute__((constructor)) static void csqlite_configure(void) {
    memory_statistics_result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // After the configuration: finding the VFS to wrap initializes SQLite (WALWriteBuffer.c).
    csqlite_register_wal_buffer();
}

int csqlite_memory_statistics_result(void) {
    return memory_statistics_result;
}

long long csqlite_memory_used(void) {
    sqlite3_int64 current = 0, highest = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0);
    return current;
}

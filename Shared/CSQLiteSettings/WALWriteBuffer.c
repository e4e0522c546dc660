// A VFS that writes a transaction's WAL frames to the file in one system call instead of two per
// frame (issue 15, `Benchmarks/service-profile.md`, nineteenth pass).
//
// SQLite appends each frame of a transaction to the write-ahead log as two writes, its 24-byte
// header and its page: a ReportIssue commit of 12 frames is 24 `pwrite`s, each a system call
// that costs this VM several microseconds. This VFS is the process's default and wraps the one
// it replaces (unix). For a WAL file, contiguous appends are gathered in memory and written with
// one `pwrite` when the transaction's commit frame (its header's second word, the database size
// after the commit, is not zero) has been gathered with its page, before anything else touches
// the file, or when the buffer is full. So:
//   - the frames of a commit are in the file (the page cache) before SQLite returns from writing
//     them, hence before it publishes them in the WAL index: readers, which read the file
//     through handles of their own, never find a published frame missing, with or without a
//     sync at the commit;
//   - `xSync` writes what is gathered before it syncs, so a synced commit is as durable as before;
//   - any other operation on the file (a read, its size, a truncation, a file control, closing
//     it, a write elsewhere) first writes what is gathered, so the file is never seen without it.
//   - what a transaction that rolled back left gathered (frames spilled from a page cache too
//     small for it) is written before the database's write lock is released, as SQLite wrote it
//     then, never later over another writer's commits (the main database file's `xShmLock`);
//   - the copies of a commit frame that pad the log to a sector boundary (devices without
//     power-safe overwrite), written in pieces around a sync, are written through;
//   - a write of gathered bytes that fails later than the `xWrite` that gathered them is reported
//     as SQLITE_IOERR_WRITE, which makes SQLite roll the whole transaction back.
// (The last three were an outside review's findings, each reproduced first: a rolled-back spill
// written over another connection's 40 commits, a reader's short read of a padded commit, and a
// statement's SQLITE_FULL after which COMMIT published frames never written.)
// Frames written before a crash but not yet synced were never acknowledged as durable; SQLite's
// recovery reads the log up to its last valid commit frame, as it does after a torn write.
//
// Every other file (the shared-memory index, temporary files) is opened and served by the
// wrapped VFS unchanged, and the main database file by its methods but for `xShmLock` and
// `xClose`: the wrapper's file object starts with the wrapped one's, so the wrapped methods run
// on it as they are.
#include <sqlite3.h>
#include <string.h>
#include "CSQLiteSettings.h"

/// Bytes gathered at most before they are written (a transaction of more is written a buffer at
/// a time): 120 KiB, 29 frames of 4 KiB pages, under the 128 KiB less one byte that the unix VFS
/// writes in one call at most (it masks a longer write's length, and the write then fails as
/// SQLITE_FULL).
#define WAL_BUFFER_CAPACITY (120 * 1024)
_Static_assert(WAL_BUFFER_CAPACITY <= 0x1ffff, "the unix VFS writes at most 0x1ffff bytes at a time");

/// What a WAL file's or a main database file's handle keeps besides the wrapped VFS's file object
/// (which comes first).
typedef struct WALBuffer {
    /// The wrapped VFS's methods for this file.
    const sqlite3_io_methods *wrapped;
    /// The bytes gathered (allocated at the first write), where they go, and how many there are.
    unsigned char *bytes;
    sqlite3_int64 offset;
    int length;
    /// Whether the last write was the header of a commit frame (its page comes next).
    int commitHeaderWritten;
    /// Whether the frames written since the last commit frame's header are all commit frames (the
    /// copies of it that pad the log to a sector boundary, written in pieces around a sync):
    /// those are written through, not gathered.
    int inCommitTail;
    /// A WAL file's database file, and a database file's WAL file (whose gathered bytes are
    /// written before the database's write lock is released), while both are open.
    sqlite3_file *linked;
} WALBuffer;

static sqlite3_vfs *wrapped_vfs = 0;
static sqlite3_vfs buffer_vfs;
static int wrapped_file_size = 0;
static int registration_result = -1;

static WALBuffer *buffer_of(sqlite3_file *file) {
    return (WALBuffer *)((char *)file + wrapped_file_size);
}

/// Writes what is gathered, if anything, through the wrapped VFS; the buffer is empty afterwards
/// whatever the outcome (a failed write fails the transaction, whose frames are then never
/// published).
static int flush(sqlite3_file *file) {
    WALBuffer *buffer = buffer_of(file);
    if (buffer->length == 0) return SQLITE_OK;
    int length = buffer->length;
    buffer->length = 0;
    return buffer->wrapped->xWrite(file, buffer->bytes, length, buffer->offset);
}

/// Writes what is gathered before another operation on the file. A failure is reported as a write
/// error whatever its cause (a full disk too): gathered frames that were not written must fail the
/// whole transaction, and SQLite rolls a transaction back whole only for an I/O error (for
/// SQLITE_FULL from a read it may roll back the statement alone and commit the rest).
static int flush_before(sqlite3_file *file) {
    return flush(file) == SQLITE_OK ? SQLITE_OK : SQLITE_IOERR_WRITE;
}

/// Unlinks a WAL file and its database file (either is closing).
static void unlink_pair(WALBuffer *state) {
    if (state->linked != 0) buffer_of(state->linked)->linked = 0;
    state->linked = 0;
}

static int wal_close(sqlite3_file *file) {
    WALBuffer *buffer = buffer_of(file);
    int flushed = flush_before(file);
    unlink_pair(buffer);
    const sqlite3_io_methods *wrapped = buffer->wrapped;
    sqlite3_free(buffer->bytes);
    buffer->bytes = 0;
    int closed = wrapped->xClose(file);
    return flushed != SQLITE_OK ? flushed : closed;
}

static int wal_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
    int flushed = flush_before(file);
    if (flushed != SQLITE_OK) return flushed;
    return buffer_of(file)->wrapped->xRead(file, data, amount, offset);
}

/// Whether `data` is the 24-byte header of a commit frame: past the log's 32-byte header, with a
/// database size after the commit (bytes 4 to 7) that is not zero.
static int is_commit_frame_header(const void *data, int amount, sqlite3_int64 offset) {
    if (amount != 24 || offset < 32) return 0;
    const unsigned char *bytes = data;
    return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

/// Whether `data` is the 24-byte header of a frame that is not a commit frame.
static int is_other_frame_header(const void *data, int amount, sqlite3_int64 offset) {
    return amount == 24 && offset >= 32 && !is_commit_frame_header(data, amount, offset);
}

static int wal_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    WALBuffer *buffer = buffer_of(file);
    if (buffer->inCommitTail) {
        if (is_other_frame_header(data, amount, offset)) {
            buffer->inCommitTail = 0;
        } else {
            // Padding after a commit (a copy of its frame, maybe in two pieces around a sync):
            // written through, as SQLite wrote it, once what is gathered is out.
            int flushed = flush(file);
            if (flushed != SQLITE_OK) return flushed;
            return buffer->wrapped->xWrite(file, data, amount, offset);
        }
    }
    int ends_commit = buffer->commitHeaderWritten && amount > 24;
    buffer->commitHeaderWritten = is_commit_frame_header(data, amount, offset);
    int contiguous = buffer->length > 0 && offset == buffer->offset + buffer->length;
    if (buffer->length > 0 && (!contiguous || amount > WAL_BUFFER_CAPACITY - buffer->length)) {
        int flushed = flush(file);
        if (flushed != SQLITE_OK) return flushed;
    }
    if (amount > WAL_BUFFER_CAPACITY) return buffer->wrapped->xWrite(file, data, amount, offset);
    if (buffer->bytes == 0) {
        buffer->bytes = sqlite3_malloc(WAL_BUFFER_CAPACITY);
        if (buffer->bytes == 0) return buffer->wrapped->xWrite(file, data, amount, offset);
    }
    if (buffer->length == 0) buffer->offset = offset;
    memcpy(buffer->bytes + buffer->length, data, (size_t)amount);
    buffer->length += amount;
    if (!ends_commit) return SQLITE_OK;
    buffer->inCommitTail = 1;
    return flush(file);
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size) {
    int flushed = flush_before(file);
    if (flushed != SQLITE_OK) return flushed;
    return buffer_of(file)->wrapped->xTruncate(file, size);
}

static int wal_sync(sqlite3_file *file, int flags) {
    int flushed = flush_before(file);
    if (flushed != SQLITE_OK) return flushed;
    return buffer_of(file)->wrapped->xSync(file, flags);
}

static int wal_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    int flushed = flush_before(file);
    if (flushed != SQLITE_OK) return flushed;
    return buffer_of(file)->wrapped->xFileSize(file, size);
}

// Methods both wrappers pass straight to the wrapped file.

static int forward_lock(sqlite3_file *file, int lock) {
    return buffer_of(file)->wrapped->xLock(file, lock);
}

static int forward_unlock(sqlite3_file *file, int lock) {
    return buffer_of(file)->wrapped->xUnlock(file, lock);
}

static int forward_check_reserved_lock(sqlite3_file *file, int *reserved) {
    return buffer_of(file)->wrapped->xCheckReservedLock(file, reserved);
}

static int wal_file_control(sqlite3_file *file, int operation, void *argument) {
    int flushed = flush_before(file);
    if (flushed != SQLITE_OK) return flushed;
    return buffer_of(file)->wrapped->xFileControl(file, operation, argument);
}

static int forward_sector_size(sqlite3_file *file) {
    return buffer_of(file)->wrapped->xSectorSize(file);
}

static int forward_device_characteristics(sqlite3_file *file) {
    return buffer_of(file)->wrapped->xDeviceCharacteristics(file);
}

/// A WAL file's methods (version 1: a WAL file is neither shared memory nor memory-mapped).
static const sqlite3_io_methods wal_methods = {
    1, wal_close, wal_read, wal_write, wal_truncate, wal_sync, wal_file_size, forward_lock, forward_unlock,
    forward_check_reserved_lock, wal_file_control, forward_sector_size, forward_device_characteristics,
    0, 0, 0, 0, 0, 0,
};

// A main database file's methods: the wrapped ones, but for `xShmLock`, which writes what its WAL
// file has gathered before the write lock is released (a rolled-back transaction's spilled frames,
// which SQLite wrote before that moment, must not reach the file after another writer's commits)
// and `xClose`, which unlinks the two.

static int db_close(sqlite3_file *file) {
    WALBuffer *state = buffer_of(file);
    unlink_pair(state);
    return state->wrapped->xClose(file);
}

static int db_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
    return buffer_of(file)->wrapped->xRead(file, data, amount, offset);
}

static int db_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    return buffer_of(file)->wrapped->xWrite(file, data, amount, offset);
}

static int db_truncate(sqlite3_file *file, sqlite3_int64 size) {
    return buffer_of(file)->wrapped->xTruncate(file, size);
}

static int db_sync(sqlite3_file *file, int flags) {
    return buffer_of(file)->wrapped->xSync(file, flags);
}

static int db_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    return buffer_of(file)->wrapped->xFileSize(file, size);
}

static int db_file_control(sqlite3_file *file, int operation, void *argument) {
    return buffer_of(file)->wrapped->xFileControl(file, operation, argument);
}

static int db_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **memory) {
    return buffer_of(file)->wrapped->xShmMap(file, region, size, extend, memory);
}

/// The WAL index's write lock is its first lock (WAL_WRITE_LOCK in SQLite's wal.c).
static int db_shm_lock(sqlite3_file *file, int offset, int count, int flags) {
    WALBuffer *state = buffer_of(file);
    if (offset == 0 && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE) && state->linked != 0) {
        // Only a rolled-back transaction's frames can be left (a commit's went out with its last
        // frame): written as SQLite would have, and an error changes nothing for anyone.
        (void)flush(state->linked);
    }
    return state->wrapped->xShmLock(file, offset, count, flags);
}

static void db_shm_barrier(sqlite3_file *file) {
    buffer_of(file)->wrapped->xShmBarrier(file);
}

static int db_shm_unmap(sqlite3_file *file, int delete) {
    return buffer_of(file)->wrapped->xShmUnmap(file, delete);
}

static int db_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **page) {
    return buffer_of(file)->wrapped->xFetch(file, offset, amount, page);
}

static int db_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) {
    return buffer_of(file)->wrapped->xUnfetch(file, offset, page);
}

static const sqlite3_io_methods db_methods = {
    3, db_close, db_read, db_write, db_truncate, db_sync, db_file_size, forward_lock, forward_unlock,
    forward_check_reserved_lock, db_file_control, forward_sector_size, forward_device_characteristics,
    db_shm_map, db_shm_lock, db_shm_barrier, db_shm_unmap, db_fetch, db_unfetch,
};

static int buffer_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    int opened = wrapped_vfs->xOpen(wrapped_vfs, name, file, flags, outFlags);
    if (opened != SQLITE_OK || file->pMethods == 0) return opened;
    if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && file->pMethods->iVersion >= 3) {
        WALBuffer *state = buffer_of(file);
        memset(state, 0, sizeof(*state));
        state->wrapped = file->pMethods;
        file->pMethods = &db_methods;
        return SQLITE_OK;
    }
    if ((flags & SQLITE_OPEN_WAL) == 0) return SQLITE_OK;
    // Gathered only when the database file is one of this VFS's, so that its write lock's release
    // writes what is left.
    sqlite3_file *database = name != 0 ? sqlite3_database_file_object(name) : 0;
    if (database == 0 || database->pMethods != &db_methods) return SQLITE_OK;
    WALBuffer *buffer = buffer_of(file);
    memset(buffer, 0, sizeof(*buffer));
    buffer->wrapped = file->pMethods;
    buffer->linked = database;
    buffer_of(database)->linked = file;
    file->pMethods = &wal_methods;
    return SQLITE_OK;
}

static int buffer_delete(sqlite3_vfs *vfs, const char *name, int syncDirectory) {
    (void)vfs;
    return wrapped_vfs->xDelete(wrapped_vfs, name, syncDirectory);
}

static int buffer_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs;
    return wrapped_vfs->xAccess(wrapped_vfs, name, flags, result);
}

static int buffer_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    (void)vfs;
    return wrapped_vfs->xFullPathname(wrapped_vfs, name, size, out);
}

static void *buffer_dl_open(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return wrapped_vfs->xDlOpen(wrapped_vfs, name);
}

static void buffer_dl_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    wrapped_vfs->xDlError(wrapped_vfs, size, message);
}

static void (*buffer_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    (void)vfs;
    return wrapped_vfs->xDlSym(wrapped_vfs, handle, symbol);
}

static void buffer_dl_close(sqlite3_vfs *vfs, void *handle) {
    (void)vfs;
    wrapped_vfs->xDlClose(wrapped_vfs, handle);
}

static int buffer_randomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return wrapped_vfs->xRandomness(wrapped_vfs, size, out);
}

static int buffer_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return wrapped_vfs->xSleep(wrapped_vfs, microseconds);
}

static int buffer_current_time(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return wrapped_vfs->xCurrentTime(wrapped_vfs, now);
}

static int buffer_get_last_error(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return wrapped_vfs->xGetLastError ? wrapped_vfs->xGetLastError(wrapped_vfs, size, out) : 0;
}

static int buffer_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return wrapped_vfs->xCurrentTimeInt64(wrapped_vfs, now);
}

int csqlite_register_wal_buffer(void) {
    sqlite3_vfs *wrapped = sqlite3_vfs_find(0);
    if (wrapped == 0 || wrapped->iVersion < 2 || wrapped->xCurrentTimeInt64 == 0) return SQLITE_ERROR;
    wrapped_vfs = wrapped;
    // The wrapper's state follows the wrapped file object, aligned for its pointers.
    wrapped_file_size = (wrapped->szOsFile + 7) & ~7;
    memset(&buffer_vfs, 0, sizeof(buffer_vfs));
    buffer_vfs.iVersion = 2;
    buffer_vfs.szOsFile = wrapped_file_size + (int)sizeof(WALBuffer);
    buffer_vfs.mxPathname = wrapped->mxPathname;
    buffer_vfs.zName = "support-wal-buffer";
    buffer_vfs.xOpen = buffer_open;
    buffer_vfs.xDelete = buffer_delete;
    buffer_vfs.xAccess = buffer_access;
    buffer_vfs.xFullPathname = buffer_full_pathname;
    buffer_vfs.xDlOpen = buffer_dl_open;
    buffer_vfs.xDlError = buffer_dl_error;
    buffer_vfs.xDlSym = buffer_dl_sym;
    buffer_vfs.xDlClose = buffer_dl_close;
    buffer_vfs.xRandomness = buffer_randomness;
    buffer_vfs.xSleep = buffer_sleep;
    buffer_vfs.xCurrentTime = buffer_current_time;
    buffer_vfs.xGetLastError = buffer_get_last_error;
    buffer_vfs.xCurrentTimeInt64 = buffer_current_time_int64;
    registration_result = sqlite3_vfs_register(&buffer_vfs, 1);
    return registration_result;
}

int csqlite_wal_buffer_result(void) {
    return registration_result;
}

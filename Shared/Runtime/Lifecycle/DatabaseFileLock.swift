import Foundation
import Glibc

/// An exclusive lock on a service's SQLite database, held by its process until it exits: a second
/// process of the same service on the same data directory stops at start with an error instead
/// of sharing the file. One SQLite file belongs to one process, which therefore knows of every
/// change (what lets its stores keep reads: ``Storage/ServiceDatabase/readCacheBudget``);
/// replicas run on PostgreSQL.
enum DatabaseFileLock {
    /// Why the lock was not taken.
    struct Failure: Error, CustomStringConvertible {
        /// What went wrong, for the log and standard error.
        let description: String
    }

    /// Takes the lock on `<directory>/<name>.sqlite` (through `<name>.sqlite.lock` beside it, made
    /// if needed), or throws if another process holds it. The lock's descriptor stays open for
    /// the life of the process: the kernel releases it when the process ends, however it ends.
    static func acquire(directory: String, name: String) throws(Failure) {
        let path = "\(directory)/\(name).sqlite.lock"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create the data directory \(directory): \(error)")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason =
                errno == EWOULDBLOCK ? "another \(name) process uses this database" : String(cString: strerror(errno))
            close(descriptor)
            throw Failure(
                description:
                    "\(path): \(reason); one SQLite database belongs to one process (run replicas on PostgreSQL: --database-url)"
            )
        }
    }
}

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
    /// if needed, which then holds the holder's process id), or throws if another process holds
    /// it, naming that process. The lock's descriptor stays open for the life of the process: the
    /// kernel releases it when the process ends, however it ends. (Deleting the file while its
    /// holder runs would let a second process lock a new one; the refusal says not to.)
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
            let failure = errno
            let holder = holder(of: descriptor).map { " (pid \($0))" } ?? ""
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw Failure(description: "\(path): \(String(cString: strerror(failure)))")
            }
            throw Failure(
                description:
                    "\(path): another \(name) process\(holder) uses this database; one SQLite database belongs to one process (stop that one, and do not delete the lock file; run replicas on PostgreSQL: --database-url)"
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        // Only a courtesy for the refusal above: the lock holds whether or not this is written.
        if ftruncate(descriptor, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
    }

    /// The process id the holder wrote into the lock file open at `descriptor`, if it reads as one.
    private static func holder(of descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0, count < bytes.count else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }
}

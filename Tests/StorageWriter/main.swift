import Foundation
import GRDB
import Runtime
import Storage
import Synchronization

// storage-writer DIR [WRITERS]: a write loop for the crash test. Each iteration commits one row in
// its own write transaction (a command, as a service writes it) and only then prints "acked N": a
// line printed is a write acknowledged. With WRITERS (default 1) that many loops write at once,
// so that their commits are grouped (GroupCommit). It runs until killed, numbering on from the
// rows already there, or until its parent is gone: it exits when it is handed to another parent
// (the test run that started it was killed) or when its output can no longer be written (the
// reader closed the pipe), so an interrupted `swift test` leaves no writer behind.

let parent = getppid()
let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3, let writers = arguments.count == 3 ? Int(arguments[2]) : 1,
    (1...64).contains(writers)
else {
    print("usage: storage-writer DIR [WRITERS (1-64)]")
    exit(2)
}
let database = try ServiceDatabase(
    directory: arguments[1], name: "writer",
    migrations: [
        (
            "writer-1",
            { db in
                try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
            }
        )
    ])
let first = try await database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(id) FROM entries") ?? 0 } + 1
let next = Mutex(first)
try await withThrowingTaskGroup(of: Void.self) { group in
    for _ in 0..<writers {
        group.addTask {
            while getppid() == parent {
                let id = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                try await database.write { db in
                    try db.execute(
                        sql: "INSERT INTO entries (id, payload) VALUES (?, ?)",
                        arguments: [id, String(repeating: "x", count: 200 + id % 300)])
                }
                print("acked \(id)")
                guard fflush(nil) == 0 else { exit(3) }
            }
        }
    }
    try await group.waitForAll()
}
exit(3)

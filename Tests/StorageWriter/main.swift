import Foundation
import GRDB
import Runtime
import Storage

// storage-writer DIR: a write loop for the crash test. Each iteration commits one row in its own
// write transaction (a command, as a service writes it) and only then prints "acked N": a line
// printed is a write acknowledged. It runs until killed, numbering on from the rows already there,
// or until its parent is gone: it exits when it is handed to another parent (the test run that
// started it was killed) or when its output can no longer be written (the reader closed the pipe),
// so an interrupted `swift test` leaves no writer behind.

let parent = getppid()
guard CommandLine.arguments.count == 2 else {
    print("usage: storage-writer DIR")
    exit(2)
}
let database = try ServiceDatabase(
    directory: CommandLine.arguments[1], name: "writer",
    migrations: [
        (
            "writer-1",
            { db in
                try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
            }
        )
    ])
var next = try await database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(id) FROM entries") ?? 0 } + 1
while getppid() == parent {
    let id = next
    try await database.write { db in
        try db.execute(
            sql: "INSERT INTO entries (id, payload) VALUES (?, ?)",
            arguments: [id, String(repeating: "x", count: 200 + id % 300)])
    }
    print("acked \(id)")
    guard fflush(nil) == 0 else { exit(3) }
    next += 1
}
exit(3)

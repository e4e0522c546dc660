import ArgumentParser
import Foundation
import RPC

/// Turns a failed call into one clear line on standard error and exit status 1.
enum Failure {
    /// Runs `body`; an RPC error prints "error: CODE: message".
    static func report(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as RPCError {
            FileHandle.standardError.write(Data("error: \(error.code): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

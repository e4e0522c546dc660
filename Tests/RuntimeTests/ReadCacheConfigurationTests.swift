import Foundation
import Storage
import Testing

@testable import Runtime

/// `--read-cache-mib` (or SUPPORT_READ_CACHE_MIB) sets what a service's read cache may keep: 4 MiB
/// by default, 0 to turn it off, at most 256 MiB; and one SQLite database belongs to one process
/// (``DatabaseFileLock``), which is what lets it keep reads at all.
@Suite struct ReadCacheConfigurationTests {
    static let required = ["--port", "1", "--data-dir", "d"]

    @Test func theBudgetComesFromTheFlagOrTheEnvironment() throws {
        #expect(try ServiceConfiguration.load(arguments: Self.required, environment: [:]).readCacheBytes == 4 << 20)
        let flag = try ServiceConfiguration.load(
            arguments: Self.required + ["--read-cache-mib", "0"], environment: [:])
        #expect(flag.readCacheBytes == 0)
        let variable = try ServiceConfiguration.load(
            arguments: Self.required, environment: ["SUPPORT_READ_CACHE_MIB": "16"])
        #expect(variable.readCacheBytes == 16 << 20)
        let most = try ServiceConfiguration.load(
            arguments: Self.required + ["--read-cache-mib", "256"], environment: [:])
        #expect(most.readCacheBytes == 256 << 20)
    }

    @Test(arguments: ["-1", "257", "99999999999999999999", "4k"])
    func aBudgetOutOfRangeIsRefused(_ value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(arguments: Self.required, environment: ["SUPPORT_READ_CACHE_MIB": value])
        }
        #expect(error?.setting == "--read-cache-mib")
    }

    @Test func aSecondHolderOfTheDatabaseIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try DatabaseFileLock.acquire(directory: directory, name: "orders")
        let error = #expect(throws: DatabaseFileLock.Failure.self) {
            try DatabaseFileLock.acquire(directory: directory, name: "orders")
        }
        #expect(error?.description.contains("another orders process (pid \(getpid())) uses this database") == true)
        // Another service's database in the same directory is its own.
        try DatabaseFileLock.acquire(directory: directory, name: "returns")
    }
}

import Foundation
import Logging
import Testing

@testable import Runtime

/// `--dev-clock-offset`: off unless given, bounded, never read from the environment, and it shifts
/// only the clock handed to the service.
@Suite struct DevelopmentClockOffsetTests {
    @Test func offIfNotGivenAndNeverFromTheEnvironment() throws {
        let configuration = try ServiceConfiguration.load(
            arguments: ["--port", "1", "--data-dir", "d"], environment: ["SUPPORT_DEV_CLOCK_OFFSET": "-86400"])
        #expect(configuration.developmentClockOffset == 0)
    }

    @Test func aYearEitherWayAtMost() throws {
        let past = try ServiceConfiguration.load(
            arguments: ["--port", "1", "--data-dir", "d", "--dev-clock-offset=-1814400"], environment: [:])
        #expect(past.developmentClockOffset == -1_814_400)
        for text in ["-31622401", "31622401", "soon"] {
            #expect(throws: ConfigurationError.self) {
                _ = try ServiceConfiguration.load(
                    arguments: ["--port", "1", "--data-dir", "d", "--dev-clock-offset=\(text)"], environment: [:])
            }
        }
    }

    @Test func theServiceClockIsShifted() throws {
        let configuration = try ServiceConfiguration.load(
            arguments: ["--port", "1", "--data-dir", "d", "--dev-clock-offset=-1814400"], environment: [:])
        let process = try ServiceProcess(name: "orders", configuration: configuration, logger: Logger(label: "test"))
        let before = Date()
        let shifted = process.clock()
        let after = Date()
        #expect(shifted >= before.addingTimeInterval(-1_814_400))
        #expect(shifted <= after.addingTimeInterval(-1_814_400))
    }
}

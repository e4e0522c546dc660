import HTTP2
import Testing

@testable import Runtime

/// The transport's limits come from flags or SUPPORT_* variables, default to what a public
/// deployment keeps, and are range-checked; the open-file limit is raised and bounds connections.
@Suite struct TransportLimitsConfigurationTests {
    static let required = ["--port", "1", "--data-dir", "d"]

    @Test func defaultsAreThePublicDeploymentOnes() throws {
        let configuration = try ServiceConfiguration.load(arguments: Self.required, environment: [:])
        #expect(configuration.connectionLimits == ConnectionLimits())
        #expect(configuration.maximumDeadline == .seconds(3_600))
        #expect(configuration.maximumOpenFiles == 4_096)
        #expect(configuration.busyPoll == nil)
    }

    @Test func busyPollComesFromTheFlagOrTheEnvironmentAndZeroIsOff() throws {
        let flag = try ServiceConfiguration.load(
            arguments: Self.required + ["--busy-poll-us", "150"], environment: [:])
        #expect(flag.busyPoll == .microseconds(150))
        let variable = try ServiceConfiguration.load(
            arguments: Self.required, environment: ["SUPPORT_BUSY_POLL_US": "40"])
        #expect(variable.busyPoll == .microseconds(40))
        let zero = try ServiceConfiguration.load(arguments: Self.required + ["--busy-poll-us", "0"], environment: [:])
        #expect(zero.busyPoll == nil)
    }

    @Test func flagsAndEnvironmentSetEveryLimit() throws {
        let environment = [
            "SUPPORT_MAX_CONNECTIONS": "10", "SUPPORT_MAX_CONNECTION_IDLE": "0", "SUPPORT_STREAM_WINDOW_KIB": "16",
        ]
        let configuration = try ServiceConfiguration.load(
            arguments: Self.required + [
                "--max-deadline", "30", "--max-open-files", "2048", "--request-buffer-mib", "8",
                "--connection-request-buffer-mib", "4", "--connection-window-kib", "256", "--handshake-timeout", "3",
                "--first-headers-timeout", "4", "--max-connection-age", "60", "--max-connection-age-grace", "5",
            ], environment: environment)
        let limits = configuration.connectionLimits
        #expect(configuration.maximumDeadline == .seconds(30))
        #expect(configuration.maximumOpenFiles == 2_048)
        #expect(limits.maximumConnections == 10)
        #expect(limits.maximumIdleTime == nil)
        #expect(limits.initialWindowSize == 16 * 1_024)
        #expect(limits.connectionWindowSize == 256 * 1_024)
        #expect(limits.maximumBufferedBytes == 8 * 1_048_576)
        #expect(limits.maximumBufferedBytesPerConnection == 4 * 1_048_576)
        #expect(limits.handshakeTimeout == .seconds(3))
        #expect(limits.firstHeadersTimeout == .seconds(4))
        #expect(limits.maximumAge == .seconds(60))
        #expect(limits.maximumAgeGrace == .seconds(5))
    }

    @Test func responseBudgetsComeFromFlagsOrTheEnvironment() throws {
        let defaults = try ServiceConfiguration.load(arguments: Self.required, environment: [:]).connectionLimits
        #expect(defaults.maximumResponseBytes == 64 * 1_048_576)
        #expect(defaults.maximumResponseBytesPerConnection == 16 * 1_048_576)
        #expect(defaults.maximumBlockedSendTime == .seconds(30))
        let limits = try ServiceConfiguration.load(
            arguments: Self.required + ["--response-buffer-mib", "32", "--blocked-send-timeout", "5"],
            environment: ["SUPPORT_CONNECTION_RESPONSE_BUFFER_MIB": "8", "SUPPORT_RESPONSE_BUFFER_MIB": "128"]
        ).connectionLimits
        #expect(limits.maximumResponseBytes == 32 * 1_048_576)
        #expect(limits.maximumResponseBytesPerConnection == 8 * 1_048_576)
        #expect(limits.maximumBlockedSendTime == .seconds(5))
    }

    @Test(arguments: [
        (["--max-deadline", "0"], "--max-deadline"),
        (["--response-buffer-mib", "3"], "--response-buffer-mib"),
        (["--response-buffer-mib", "65537"], "--response-buffer-mib"),
        (["--connection-response-buffer-mib", "0"], "--connection-response-buffer-mib"),
        (["--response-buffer-mib", "8", "--connection-response-buffer-mib", "16"], "--connection-response-buffer-mib"),
        (["--blocked-send-timeout", "0"], "--blocked-send-timeout"),
        (["--blocked-send-timeout", "3601"], "--blocked-send-timeout"),
        (["--busy-poll-us=-1"], "--busy-poll-us"),
        (["--busy-poll-us", "10001"], "--busy-poll-us"),
        (["--max-connections", "0"], "--max-connections"),
        (["--stream-window-kib", "2097152"], "--stream-window-kib"),
        (["--request-buffer-mib", "99999999999"], "--request-buffer-mib"),
        (["--max-open-files", "5"], "--max-open-files"),
        (["--connection-request-buffer-mib", "3"], "--connection-request-buffer-mib"),
        (["--request-buffer-mib", "8", "--connection-request-buffer-mib", "16"], "--connection-request-buffer-mib"),
    ])
    func outOfRangeLimitsNameTheirFlag(_ arguments: [String], _ setting: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(arguments: Self.required + arguments, environment: [:])
        }
        #expect(error?.setting == setting)
    }

    @Test func anEnvironmentValueOutOfRangeIsRefusedToo() {
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(
                arguments: Self.required, environment: ["SUPPORT_MAX_CONNECTION_AGE": "forever"])
        }
        #expect(error?.setting == "--max-connection-age")
    }

    @Test func theOpenFileLimitIsRaisedAndBoundsConnections() {
        let current = FileDescriptorLimit.raise(to: 0)
        #expect(current > 0)
        #expect(FileDescriptorLimit.raise(to: current) == current)
        #expect(
            FileDescriptorLimit.connections(wanted: 10_000, softLimit: 1_024) == 1_024 - FileDescriptorLimit.reserved)
        #expect(FileDescriptorLimit.connections(wanted: 100, softLimit: 1_024) == 100)
    }
}

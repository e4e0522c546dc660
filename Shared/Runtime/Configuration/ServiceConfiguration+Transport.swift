import HTTP2

extension ServiceConfiguration {
    /// Reads the transport's limits (``HTTP2/ConnectionLimits``: request and response budgets,
    /// windows, timeouts; the maximum deadline and the open-file limit) from their flags or `SUPPORT_*` variables, each range-checked.
    mutating func readTransportLimits(options: ServiceOptions, environment: [String: String]) throws(ConfigurationError)
    {
        func number(_ flag: Int?, _ setting: String, _ variable: String, _ range: ClosedRange<Int>, default value: Int)
            throws(ConfigurationError) -> Int
        {
            let text = flag.map(String.init) ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            guard let text else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw ConfigurationError(
                    setting: setting,
                    problem: "'\(text)' is not a number between \(range.lowerBound) and \(range.upperBound)")
            }
            return parsed
        }
        let year = 31_536_000
        maximumDeadline = .seconds(
            try number(options.maxDeadline, "--max-deadline", "SUPPORT_MAX_DEADLINE", 1...year, default: 3_600))
        maximumOpenFiles = try number(
            options.maxOpenFiles, "--max-open-files", "SUPPORT_MAX_OPEN_FILES", 128...1_048_576, default: 4_096)
        var limits = ConnectionLimits()
        limits.maximumConnections = try number(
            options.maxConnections, "--max-connections", "SUPPORT_MAX_CONNECTIONS", 1...1_000_000, default: 1_024)
        limits.maximumBufferedBytes =
            try number(
                options.requestBufferMib, "--request-buffer-mib", "SUPPORT_REQUEST_BUFFER_MIB", 4...65_536, default: 64)
            * 1_048_576
        limits.maximumBufferedBytesPerConnection =
            try number(
                options.connectionRequestBufferMib, "--connection-request-buffer-mib",
                "SUPPORT_CONNECTION_REQUEST_BUFFER_MIB", 4...65_536, default: 16) * 1_048_576
        // Both budgets hold at least one largest message (4 MiB), and a connection's fits in the
        // server's.
        guard limits.maximumBufferedBytesPerConnection <= limits.maximumBufferedBytes else {
            throw ConfigurationError(
                setting: "--connection-request-buffer-mib", problem: "is larger than --request-buffer-mib")
        }
        limits.maximumResponseBytes =
            try number(
                options.responseBufferMib, "--response-buffer-mib", "SUPPORT_RESPONSE_BUFFER_MIB", 4...65_536,
                default: 64) * 1_048_576
        limits.maximumResponseBytesPerConnection =
            try number(
                options.connectionResponseBufferMib, "--connection-response-buffer-mib",
                "SUPPORT_CONNECTION_RESPONSE_BUFFER_MIB", 4...65_536, default: 16) * 1_048_576
        // Both hold at least one largest message (4 MiB), and a connection's fits in the server's.
        guard limits.maximumResponseBytesPerConnection <= limits.maximumResponseBytes else {
            throw ConfigurationError(
                setting: "--connection-response-buffer-mib", problem: "is larger than --response-buffer-mib")
        }
        limits.maximumBlockedSendTime = .seconds(
            try number(
                options.blockedSendTimeout, "--blocked-send-timeout", "SUPPORT_BLOCKED_SEND_TIMEOUT", 1...3_600,
                default: 30))
        limits.initialWindowSize =
            try number(
                options.streamWindowKib, "--stream-window-kib", "SUPPORT_STREAM_WINDOW_KIB", 1...2_097_151, default: 64)
            * 1_024
        limits.connectionWindowSize =
            try number(
                options.connectionWindowKib, "--connection-window-kib", "SUPPORT_CONNECTION_WINDOW_KIB", 64...2_097_151,
                default: 1_024) * 1_024
        limits.handshakeTimeout = .seconds(
            try number(
                options.handshakeTimeout, "--handshake-timeout", "SUPPORT_HANDSHAKE_TIMEOUT", 1...3_600, default: 10))
        limits.firstHeadersTimeout = .seconds(
            try number(
                options.firstHeadersTimeout, "--first-headers-timeout", "SUPPORT_FIRST_HEADERS_TIMEOUT", 1...3_600,
                default: 20))
        let idle = try number(
            options.maxConnectionIdle, "--max-connection-idle", "SUPPORT_MAX_CONNECTION_IDLE", 0...year, default: 300)
        limits.maximumIdleTime = idle == 0 ? nil : .seconds(idle)
        let age = try number(
            options.maxConnectionAge, "--max-connection-age", "SUPPORT_MAX_CONNECTION_AGE", 0...year, default: 1_800)
        limits.maximumAge = age == 0 ? nil : .seconds(age)
        limits.maximumAgeGrace = .seconds(
            try number(
                options.maxConnectionAgeGrace, "--max-connection-age-grace", "SUPPORT_MAX_CONNECTION_AGE_GRACE",
                0...86_400, default: 60))
        connectionLimits = limits
        let busyPollMicroseconds = try number(
            options.busyPollUs, "--busy-poll-us", "SUPPORT_BUSY_POLL_US", 0...10_000, default: 0)
        busyPoll = busyPollMicroseconds == 0 ? nil : .microseconds(busyPollMicroseconds)
    }
}

import Testing

@testable import Runtime

/// Flags with environment fallbacks; every missing or invalid setting stops start-up with one
/// line naming it.
@Suite struct ServiceConfigurationTests {
    @Test func portAndDataDirectoryAloneAreEnough() throws {
        let configuration = try ServiceConfiguration.load(
            arguments: ["--port", "50051", "--data-dir", "/tmp/x"], environment: [:])
        #expect(configuration.port == 50051)
        #expect(configuration.dataDirectory == "/tmp/x")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.peers.isEmpty)
        #expect(configuration.logLevel == "info")
        #expect(configuration.tokenIssuer == "support-platform")
        #expect(configuration.tokenMaximumLifetime == 3_600)
        #expect(configuration.checkpointEvery == 100)
        #expect(configuration.checkpointSeconds == 60)
    }

    @Test func identitySettingsComeFromFlagsOrTheEnvironment() throws {
        let configuration = try ServiceConfiguration.load(
            arguments: ["--port", "1", "--data-dir", "d", "--token-max-lifetime", "600"],
            environment: [
                "SUPPORT_TOKEN_KEYS": "/keys/jwks.json", "SUPPORT_TOKEN_KEY_ID": "orders-2",
                "SUPPORT_TOKEN_MAX_LIFETIME": "900", "SUPPORT_CHECKPOINT_EVERY": "5",
            ])
        #expect(configuration.tokenKeys == "/keys/jwks.json")
        #expect(configuration.tokenKeyID == "orders-2")
        #expect(configuration.tokenMaximumLifetime == 600)
        #expect(configuration.checkpointEvery == 5)
    }

    @Test func environmentVariablesFillAbsentFlagsAndFlagsWin() throws {
        let environment = [
            "SUPPORT_PORT": "6000", "SUPPORT_DATA_DIR": "/data", "SUPPORT_HOST": "0.0.0.0",
            "SUPPORT_PEERS": "orders=orders:50051,refunds=10.0.0.3:50053", "SUPPORT_LOG_LEVEL": "debug",
        ]
        let fromEnvironment = try ServiceConfiguration.load(arguments: [], environment: environment)
        #expect(fromEnvironment.port == 6000)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.peers == ["orders": "orders:50051", "refunds": "10.0.0.3:50053"])
        #expect(fromEnvironment.logLevel == "debug")
        let overridden = try ServiceConfiguration.load(
            arguments: ["--port", "7000", "--peer", "orders=localhost:1"], environment: environment)
        #expect(overridden.port == 7000)
        #expect(overridden.peers == ["orders": "localhost:1"])
    }

    @Test(arguments: [
        ([String](), "--port"),
        (["--port", "50051"], "--data-dir"),
        (["--port", "65536", "--data-dir", "d"], "--port"),
        (["--port", "99999", "--data-dir", "d"], "--port"),
        (["--port", "1", "--data-dir", "d", "--peer", "orders"], "--peer"),
        (["--port", "1", "--data-dir", "d", "--peer", "orders=host"], "--peer"),
        (["--port", "1", "--data-dir", "d", "--tls-cert", "c.pem"], "--tls-cert"),
        (["--port", "1", "--data-dir", "d", "--tls-ca", "ca.pem"], "--tls-ca"),
        (["--port", "1", "--data-dir", "d", "--log-level", "loud"], "--log-level"),
        (["--port", "1", "--data-dir", "d", "--grace-period", "99999"], "--grace-period"),
        (["--port", "1", "--data-dir", "d", "--colour", "blue"], "arguments"),
        (["--port", "fifty", "--data-dir", "d"], "arguments"),
        (["--port", "1", "--data-dir", "d", "--token-max-lifetime", "0"], "--token-max-lifetime"),
        (["--port", "1", "--data-dir", "d", "--token-max-lifetime", "9999999"], "--token-max-lifetime"),
        (["--port", "1", "--data-dir", "d", "--token-keys-reload", "0"], "--token-keys-reload"),
        (["--port", "1", "--data-dir", "d", "--checkpoint-every", "0"], "--checkpoint-every"),
        (["--port", "1", "--data-dir", "d", "--checkpoint-seconds", "90000"], "--checkpoint-seconds"),
    ])
    func badSettingsNameTheSetting(_ arguments: [String], _ setting: String) {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(arguments: arguments, environment: [:])
        }
        do {
            _ = try ServiceConfiguration.load(arguments: arguments, environment: [:])
        } catch {
            #expect(error.setting == setting, "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func helpDocumentsEverySetting() {
        let help = ServiceConfiguration.helpText
        for flag in [
            "--host", "--port", "--data-dir", "--peer", "--tls-cert", "--tls-key", "--tls-ca",
            "--token-public-key", "--token-signing-key", "--token-issuer", "--token-audience", "--log-level",
            "--grace-period", "--token-keys", "--token-key-id", "--token-max-lifetime", "--token-keys-reload",
            "--checkpoint-every", "--checkpoint-seconds",
        ] {
            #expect(help.contains(flag), "\(flag) is not in --help")
        }
    }
}

import ArgumentParser
import HTTP2
import Testing

@testable import ConsoleServer
@testable import Runtime

/// The console and every service take the token and TLS flags from the same option groups: the
/// same arguments or environment give both the same settings.
@Suite struct SharedOptionsTests {
    static let shared = [
        "--token-keys", "/keys/jwks.json", "--token-public-key", "/keys/idp.pub", "--token-issuer", "idp",
        "--token-audience", "staff", "--token-max-lifetime", "900", "--tls-ca", "/tls/ca.pem", "--tls-cert",
        "/tls/cert.pem", "--tls-key", "/tls/key.pem",
    ]

    @Test func theSameFlagsGiveTheSameSettingsToTheConsoleAndAService() throws {
        let console = try ConsoleCommand.parse(["--port", "0"] + Self.shared)
        let service = try ServiceOptions.parse(["--port", "1", "--data-dir", "d"] + Self.shared)
        let consoleTokens = try TokenSettings(options: console.token, environment: [:])
        let serviceTokens = try TokenSettings(options: service.token, environment: [:])
        #expect(consoleTokens == serviceTokens)
        #expect(consoleTokens.keys == "/keys/jwks.json")
        #expect(consoleTokens.publicKey == "/keys/idp.pub")
        #expect(consoleTokens.issuer == "idp")
        #expect(consoleTokens.audience == "staff")
        #expect(consoleTokens.maximumLifetime == 900)
        let consoleTLS = PeerTLSFiles(options: console.tls, environment: [:])
        #expect(consoleTLS == PeerTLSFiles(options: service.tls, environment: [:]))
        #expect(consoleTLS.certificate == "/tls/cert.pem")
        #expect(consoleTLS.key == "/tls/key.pem")
        #expect(consoleTLS.trustRoots == "/tls/ca.pem")

        let configuration = try ServiceConfiguration(options: service, environment: [:])
        #expect(configuration.tokenKeys == consoleTokens.keys)
        #expect(configuration.tokenPublicKey == consoleTokens.publicKey)
        #expect(configuration.tokenIssuer == consoleTokens.issuer)
        #expect(configuration.tokenAudience == consoleTokens.audience)
        #expect(configuration.tokenMaximumLifetime == consoleTokens.maximumLifetime)
        #expect(configuration.tlsCertificate == consoleTLS.certificate)
        #expect(configuration.tlsKey == consoleTLS.key)
        #expect(configuration.tlsCA == consoleTLS.trustRoots)
    }

    @Test func theSameEnvironmentGivesTheSameSettingsAndFlagsWin() throws {
        let environment = [
            "SUPPORT_TOKEN_KEYS": "/env/jwks.json", "SUPPORT_TOKEN_PUBLIC_KEY": "/env/idp.pub",
            "SUPPORT_TOKEN_ISSUER": "env-idp", "SUPPORT_TOKEN_AUDIENCE": "env-aud",
            "SUPPORT_TOKEN_MAX_LIFETIME": "1200", "SUPPORT_TLS_CA": "/env/ca.pem", "SUPPORT_TLS_CERT": "/env/c.pem",
            "SUPPORT_TLS_KEY": "/env/k.pem",
        ]
        let console = try ConsoleCommand.parse(["--token-issuer", "flag-idp"])
        let service = try ServiceOptions.parse(["--token-issuer", "flag-idp"])
        let tokens = try TokenSettings(options: console.token, environment: environment)
        let serviceTokens = try TokenSettings(options: service.token, environment: environment)
        #expect(tokens == serviceTokens)
        #expect(tokens.keys == "/env/jwks.json")
        #expect(tokens.issuer == "flag-idp")
        #expect(tokens.audience == "env-aud")
        #expect(tokens.maximumLifetime == 1_200)
        let tls = PeerTLSFiles(options: console.tls, environment: environment)
        #expect(tls == PeerTLSFiles(options: service.tls, environment: environment))
        #expect(tls.clientTLS?.trustRootsFile == "/env/ca.pem")
        #expect(tls.clientTLS?.certificateChainFile == "/env/c.pem")
    }

    @Test func defaultsAreTheSameAndNoCAMeansPlaintext() throws {
        let console = try ConsoleCommand.parse([])
        let tokens = try TokenSettings(options: console.token, environment: [:], lifetimes: ConsoleCommand.lifetimes)
        let serviceTokens = try TokenSettings(options: ServiceOptions.parse([]).token, environment: [:])
        #expect(tokens == serviceTokens)
        #expect(tokens.issuer == "support-platform")
        #expect(tokens.audience == "support")
        #expect(tokens.maximumLifetime == 3_600)
        #expect(PeerTLSFiles(options: console.tls, environment: [:]).clientTLS == nil)
    }

    /// A session lasts as long as its token, so the console caps the lifetime at a day where a
    /// service accepts a week.
    @Test func theConsoleRefusesLifetimesPastADay() throws {
        let arguments = ["--token-max-lifetime", "172800"]
        let console = try ConsoleCommand.parse(arguments)
        let error = #expect(throws: ConfigurationError.self) {
            try TokenSettings(options: console.token, environment: [:], lifetimes: ConsoleCommand.lifetimes)
        }
        #expect(error?.setting == "--token-max-lifetime")
        let service = try ServiceOptions.parse(arguments)
        let serviceTokens = try TokenSettings(options: service.token, environment: [:])
        #expect(serviceTokens.maximumLifetime == 172_800)
    }
}

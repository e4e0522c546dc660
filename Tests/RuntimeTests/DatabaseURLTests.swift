import Foundation
import Runtime
import Storage
import Testing

/// `--database-url`: the parts are read and range-checked, the password comes from the URL, else
/// the password file, else PGPASSWORD, and it never appears in the description or in errors.
@Suite struct DatabaseURLTests {
    @Test func thePartsAreReadAndThePasswordIsNeverShown() throws {
        let url = try DatabaseURL(parsing: "postgres://support:s3cret@db.internal:6543/orders?sslmode=require")
        #expect(url.host == "db.internal")
        #expect(url.port == 6_543)
        #expect(url.user == "support")
        #expect(url.password == "s3cret")
        #expect(url.database == "orders")
        #expect(url.tls == .require)
        #expect(!url.description.contains("s3cret"))
        #expect(try DatabaseURL(parsing: "postgresql://u@h/d").port == 5_432)
        #expect(try DatabaseURL(parsing: "postgresql://u@h/d?sslmode=prefer").tls == .prefer)
    }

    /// Without `sslmode`, TLS is required unless the server is on this machine: `prefer` to a remote
    /// host would let anyone on the path strip TLS.
    @Test func tlsIsRequiredByDefaultExceptOnLoopback() throws {
        for host in ["h", "db.internal", "10.0.0.5", "[2001:db8::1]", "127.example.com"] {
            #expect(try DatabaseURL(parsing: "postgres://u@\(host)/d").tls == .require, "\(host)")
        }
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]"] {
            #expect(try DatabaseURL(parsing: "postgres://u@\(host):5432/d").tls == .prefer, "\(host)")
        }
        #expect(try DatabaseURL(parsing: "postgres://u@db.internal/d?sslmode=disable").tls == .disable)
    }

    @Test func thePasswordComesFromTheFileElsePGPASSWORD() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "from-file\nignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["PGPASSWORD": "from-env"]
        #expect(
            try DatabaseURL(parsing: "postgres://u:in-url@h/d", passwordFile: file, environment: environment).password
                == "in-url")
        #expect(
            try DatabaseURL(parsing: "postgres://u@h/d", passwordFile: file, environment: environment).password
                == "from-file")
        #expect(try DatabaseURL(parsing: "postgres://u@h/d", environment: environment).password == "from-env")
        #expect(try DatabaseURL(parsing: "postgres://u@h/d").password == nil)
    }

    @Test(arguments: [
        ("mysql://u@h/d", "is not a postgres:// URL"), ("postgres://u@h", "names no database (…/NAME)"),
        ("postgres://h/d", "names no user"),
        ("postgres://u:pw@h/d?sslmode=maybe", "has sslmode 'maybe' (expected disable, prefer or require)"),
    ])
    func badURLsAreRefusedNamingTheProblem(_ text: String, _ problem: String) {
        #expect(throws: DatabaseURLError(problem)) { try DatabaseURL(parsing: text) }
    }

    @Test func theServiceConfigurationReadsTheURLAndNeedsNoDataDirectoryWithIt() throws {
        let configuration = try ServiceConfiguration.load(
            arguments: ["--port", "0", "--database-url", "postgres://u:secret@127.0.0.1:5432/orders"], environment: [:])
        #expect(configuration.databaseURL?.database == "orders")
        let fromEnvironment = try ServiceConfiguration.load(
            arguments: ["--port", "0", "--data-dir", "/tmp/x"],
            environment: ["SUPPORT_DATABASE_URL": "postgres://u@h/d", "PGPASSWORD": "pw"])
        #expect(fromEnvironment.databaseURL?.password == "pw")
        #expect(
            try ServiceConfiguration.load(arguments: ["--port", "0", "--data-dir", "/tmp/x"], environment: [:])
                .databaseURL == nil)
        do {
            _ = try ServiceConfiguration.load(
                arguments: ["--port", "0", "--database-url", "postgres://u:secret@h:99999/d"], environment: [:])
            Issue.record("a port out of range was accepted")
        } catch {
            #expect(error.setting == "--database-url")
            #expect(!error.description.contains("secret"))
        }
    }
}

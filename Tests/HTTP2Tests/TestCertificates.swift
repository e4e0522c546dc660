import Foundation

/// A throwaway certificate authority with a server certificate (for localhost and 127.0.0.1) and
/// a client certificate, made with the openssl command line in a temporary directory.
struct TestCertificates {
    let directory: URL

    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCertificate: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(directory.path)'
            key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
            key ca.key
            openssl req -x509 -new -key ca.key -out ca.pem -days 1 -subj /CN=test-ca 2>/dev/null
            for name in server client; do
              key $name.key
              openssl req -new -key $name.key -out $name.csr -subj /CN=$name 2>/dev/null
              printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > $name.ext
              openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem -days 1 \\
                -extfile $name.ext 2>/dev/null
            done
            """
        let status = try await PythonScript.onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

import Logging
import Runtime
import ServiceLifecycle

/// Re-reads the key set file every 10 seconds, so that a rotated identity-provider key applies
/// without a restart (an invalid file is logged and the keys in use are kept).
struct KeyReloadService: Service {
    /// The file.
    let file: KeyRingFile
    /// Where reloads and failures are logged.
    let logger: Logger

    /// Reloads until shutdown.
    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(10)) }
            } catch {
                return
            }
            do {
                if try file.reload() { logger.notice("token keys reloaded", metadata: ["file": "\(file.path)"]) }
            } catch {
                logger.error("token keys not reloaded; the keys in use are kept", metadata: ["error": "\(error)"])
            }
        }
    }
}

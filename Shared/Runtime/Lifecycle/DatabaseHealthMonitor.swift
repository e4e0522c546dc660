import GRPCServices
import HealthAPI
import Logging
import Storage
import Synchronization

/// Reports the process NOT_SERVING while its PostgreSQL database cannot be reached (so that load
/// balancers and Kubernetes send calls to replicas that can serve them) and SERVING again once it
/// can; the connection pool reconnects by itself meanwhile. ``ServiceProcess`` runs ``check()``
/// every 2 s in a ``BackgroundLoop`` (PostgreSQL only: a SQLite file does not go away).
final class DatabaseHealthMonitor: Sendable {
    private let database: ServiceDatabase
    private let health: HealthService
    private let logger: Logger
    private let reportedDown = Mutex(false)

    /// A monitor of `database` reporting to `health`.
    init(database: ServiceDatabase, health: HealthService, logger: Logger) {
        self.database = database
        self.health = health
        self.logger = logger
    }

    /// Asks the database once and reports a change.
    func check() async {
        let reachable = (try? await database.integrityCheck()) == "ok"
        let changed = reportedDown.withLock { down in
            defer { down = !reachable }
            return down == reachable
        }
        guard changed else { return }
        if reachable {
            logger.notice("the database is reachable again: SERVING")
            health.setAllWhileRunning(.serving)
        } else {
            logger.error("the database cannot be reached: NOT_SERVING until it can")
            health.setAllWhileRunning(.notServing)
        }
    }
}

import CommonAPI
import Outbox
import RPC
import Storage
import Wire

/// `support.common.v1.AuditCheckpoints`, served by every service process that has a database: the
/// latest Oversight checkpoint the service received (``AuditCheckpointStore``), so that an auditor
/// (`supportctl oversight verify`) can check Oversight's log against checkpoints held elsewhere.
public struct AuditCheckpointService: AuditCheckpoints.ServiceProtocol {
    /// Who may ask: agents and auditors.
    public static let rules: [MethodDescriptor: Set<AllowedCaller>] = [
        AuditCheckpoints.Method.getLatestCheckpoint: [.agent, .auditor]
    ]

    private let name: String
    private let database: ServiceDatabase

    /// The checkpoints of the service `name`, kept in `database`.
    public init(name: String, database: ServiceDatabase) {
        self.name = name
        self.database = database
    }

    /// The latest checkpoint held (absent when none yet).
    public func getLatestCheckpoint(_ request: GetLatestCheckpointRequest, context: ServerContext) async throws
        -> GetLatestCheckpointResponse
    {
        let latest = try await database.snapshot { db in try AuditCheckpointStore.latest(in: db) }
        return GetLatestCheckpointResponse.with {
            $0.service = name
            $0.checkpoint = latest
        }
    }
}

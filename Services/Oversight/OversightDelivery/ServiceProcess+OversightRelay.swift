import Outbox
import Runtime
import Storage

extension ServiceProcess {
    /// A relay delivering the outbox's Oversight events to the `oversight` peer (its
    /// `RecordEvents`), keeping the signed checkpoint each answer carries in `database`.
    public func oversightRelay(for database: ServiceDatabase) -> OutboxRelay {
        let sink = OversightEventSink(client: client(for: "oversight"), checkpoints: database, logger: logger)
        return OutboxRelay(database: database, destination: OversightEventSink.destination, deliver: sink.deliver)
    }
}

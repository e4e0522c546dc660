import Foundation

/// An event written to the outbox in the same transaction as the change it describes, waiting
/// to be delivered to another service (Oversight, mostly).
public struct OutboxMessage: Sendable, Hashable {
    /// Position in the outbox: delivery follows it, so events of one aggregate keep their order.
    public var sequence: Int64
    /// The event's unique id; receivers drop an id they have already recorded.
    public var eventID: String
    /// The case the event belongs to.
    public var aggregateID: String
    /// Where it goes, such as "oversight".
    public var destination: String
    /// The encoded event.
    public var payload: [UInt8]
}

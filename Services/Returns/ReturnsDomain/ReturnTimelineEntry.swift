import Foundation
import SupportPolicy

/// One entry of a return's append-only timeline.
public struct ReturnTimelineEntry: Sendable, Hashable, Codable {
    /// What happened: "requested", "label_issued", "received", "inspected", "approved", ...
    public var action: String
    /// Who acted.
    public var actor: Actor
    /// Details.
    public var detail: String
    /// When.
    public var at: Date

    /// An entry.
    public init(action: String, actor: Actor, detail: String, at: Date) {
        self.action = action
        self.actor = actor
        self.detail = detail
        self.at = at
    }
}

import Foundation
import SupportPolicy

extension Complaint {
    /// The team whose members handle complaints.
    public static let staffTeam = "complaints"

    /// Files a complaint or suggestion.
    public static func file(
        id: String, kind: Kind, customerID: String, subject: String, text: String, relatedCase: String, at now: Date
    ) throws(OversightError) -> (Complaint, [CaseChange]) {
        guard TextLimit.admits(subject, characters: 200),
            !TextLimit.isBlank(subject)
        else {
            throw .invalid("subject must be 1 to 200 characters (800 UTF-8 bytes)")
        }
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("text must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        guard TextLimit.admits(relatedCase, characters: 200) else {
            throw .invalid("related_case is longer than 200 characters (800 UTF-8 bytes)")
        }
        var complaint = Complaint(
            id: id, kind: kind, customerID: customerID, subject: subject, text: text, relatedCase: relatedCase,
            state: .submitted, assignedTo: "", resolution: "", messages: [], notifications: [], filedAt: now,
            resolvedAt: nil, closedAt: nil)
        var changes: [CaseChange] = [.opened, .stateChanged(from: nil, to: ComplaintState.submitted.name)]
        complaint.inform(
            "We received your \(kind == .complaint ? "complaint" : "suggestion") \"\(subject)\".", now, &changes)
        return (complaint, changes)
    }

    /// Assigns it to `staffID`, who must be an active member of the complaints team.
    public mutating func assign(to staffID: String, isComplaintsStaff: Bool, at now: Date) throws(OversightError)
        -> [CaseChange]
    {
        guard state == .submitted || state == .assigned else {
            throw refused("assigned", allowedFrom: [.submitted, .assigned])
        }
        guard isComplaintsStaff else {
            throw .notAllowed("'\(staffID)' is not an active member of the \(Self.staffTeam) team")
        }
        let previous = state
        assignedTo = staffID
        state = .assigned
        return previous == .assigned ? [] : [.stateChanged(from: previous.name, to: ComplaintState.assigned.name)]
    }

    /// The assigned staff member starts investigating.
    public mutating func startInvestigation(at now: Date) throws(OversightError) -> [CaseChange] {
        guard state == .assigned else { throw refused("investigated", allowedFrom: [.assigned]) }
        state = .investigating
        return [.stateChanged(from: ComplaintState.assigned.name, to: ComplaintState.investigating.name)]
    }

    /// Records the result and informs the customer.
    public mutating func resolve(_ result: String, at now: Date) throws(OversightError) -> [CaseChange] {
        guard state == .investigating else { throw refused("resolved", allowedFrom: [.investigating]) }
        guard TextLimit.admits(result, characters: 4_000),
            !TextLimit.isBlank(result)
        else {
            throw .invalid("resolution must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        resolution = result
        state = .resolved
        resolvedAt = now
        var changes: [CaseChange] = [
            .stateChanged(from: ComplaintState.investigating.name, to: ComplaintState.resolved.name)
        ]
        inform(
            "Your \(kind == .complaint ? "complaint" : "suggestion") \"\(subject)\" is resolved: \(result)", now,
            &changes)
        changes.append(.resolved)
        return changes
    }

    /// Closes a resolved complaint.
    public mutating func close(at now: Date) throws(OversightError) -> [CaseChange] {
        guard state == .resolved else { throw refused("closed", allowedFrom: [.resolved]) }
        state = .closed
        closedAt = now
        return [.stateChanged(from: ComplaintState.resolved.name, to: ComplaintState.closed.name)]
    }

    /// Adds a message, up to ``maximumMessages``.
    public mutating func addMessage(_ text: String, by actor: Actor, at now: Date) throws(OversightError)
        -> [CaseChange]
    {
        guard state != .closed else { throw .notAllowed("complaint \(id) is CLOSED") }
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("text must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        guard messages.count < Self.maximumMessages else {
            throw .notAllowed(
                "complaint \(id) has \(messages.count) messages, the most a complaint keeps; file another to go on")
        }
        let message = CaseMessage(id: "\(id)-m\(messages.count + 1)", author: actor, text: text, sentAt: now)
        messages.append(message)
        return [.message(message)]
    }

    private mutating func inform(_ text: String, _ now: Date, _ changes: inout [CaseChange]) {
        let note = CaseMessage(
            id: "\(id)-n\(notifications.count + 1)", author: Actor(subject: "oversight", role: .service), text: text,
            sentAt: now)
        notifications.append(note)
        changes.append(.message(note))
        if notifications.count == 1 { changes.append(.firstResponse) }
    }

    private func refused(_ action: String, allowedFrom states: [ComplaintState]) -> OversightError {
        .notAllowed(
            "complaint \(id) is \(state.name); it can be \(action) only when \(states.map(\.name).joined(separator: " or "))"
        )
    }
}

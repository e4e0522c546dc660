import Foundation
import SupportPolicy

/// A question no official rule answered, waiting for staff with its response clock running.
public struct Ticket: Sendable, Hashable {
    /// Unique id.
    public var id: String
    /// Who asked.
    public var askedBy: Actor
    /// The question.
    public var question: String
    /// The topics it touches, as far as known.
    public var topics: [Topic]
    /// Where it is.
    public var state: TicketState
    /// The staff's answer.
    public var answer: String
    /// The rule the answer cites, if any.
    public var answerRule: PolicyRule?
    /// Messages.
    public var messages: [CaseMessage]
    /// What the asker was told.
    public var notifications: [CaseMessage]
    /// When it was opened (the response clock starts).
    public var openedAt: Date
    /// When it was answered (the clock stops).
    public var answeredAt: Date?
    /// When it was closed.
    public var closedAt: Date?

    /// A ticket from its stored parts.
    public init(
        id: String, askedBy: Actor, question: String, topics: [Topic], state: TicketState, answer: String,
        answerRule: PolicyRule?, messages: [CaseMessage], notifications: [CaseMessage], openedAt: Date,
        answeredAt: Date?, closedAt: Date?
    ) {
        self.id = id
        self.askedBy = askedBy
        self.question = question
        self.topics = topics
        self.state = state
        self.answer = answer
        self.answerRule = answerRule
        self.messages = messages
        self.notifications = notifications
        self.openedAt = openedAt
        self.answeredAt = answeredAt
        self.closedAt = closedAt
    }

    /// Opens a ticket for an unanswered question.
    public static func open(id: String, question: String, topics: [Topic], by actor: Actor, at now: Date)
        -> (Ticket, [CaseChange])
    {
        var ticket = Ticket(
            id: id, askedBy: actor, question: question, topics: topics, state: .open, answer: "", answerRule: nil,
            messages: [CaseMessage(id: "\(id)-m1", author: actor, text: question, sentAt: now)], notifications: [],
            openedAt: now, answeredAt: nil, closedAt: nil)
        var changes: [CaseChange] = [
            .opened, .stateChanged(from: nil, to: TicketState.open.name), .message(ticket.messages[0]),
        ]
        ticket.inform("No official rule answers your question yet; our staff will reply (ticket \(id)).", now, &changes)
        return (ticket, changes)
    }

    /// Staff answer; the asker is informed and the response clock stops.
    public mutating func answer(_ text: String, rule: PolicyRule?, by actor: Actor, at now: Date) throws(InquiriesError)
        -> [CaseChange]
    {
        guard state == .open else {
            throw .notAllowed("ticket \(id) is \(state.name); it can be answered only when OPEN")
        }
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("answer must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        answer = text
        answerRule = rule
        state = .answered
        answeredAt = now
        let message = CaseMessage(id: "\(id)-m\(messages.count + 1)", author: actor, text: text, sentAt: now)
        messages.append(message)
        var changes: [CaseChange] = [
            .stateChanged(from: TicketState.open.name, to: TicketState.answered.name), .message(message),
        ]
        inform("Your question was answered: \(text)", now, &changes)
        changes.append(.resolved)
        return changes
    }

    /// Most messages a ticket keeps (the question and staff's answer among them): at up to 16,000
    /// bytes each, a ticket stays well within what one reply carries.
    public static let maximumMessages = 100

    /// Adds a message, up to ``maximumMessages`` (staff's answer is always kept: ``answer``).
    public mutating func addMessage(_ text: String, by actor: Actor, at now: Date) throws(InquiriesError)
        -> [CaseChange]
    {
        guard state != .closed else { throw .notAllowed("ticket \(id) is CLOSED; ask a new question instead") }
        guard messages.count < Self.maximumMessages else {
            throw .notAllowed(
                "ticket \(id) has \(messages.count) messages, the most a ticket keeps; ask a new question to go on")
        }
        guard TextLimit.admits(text, characters: 4_000), !TextLimit.isBlank(text)
        else {
            throw .invalid("text must be 1 to 4000 characters (16000 UTF-8 bytes)")
        }
        let message = CaseMessage(id: "\(id)-m\(messages.count + 1)", author: actor, text: text, sentAt: now)
        messages.append(message)
        return [.message(message)]
    }

    /// Closes an answered ticket.
    public mutating func close(at now: Date) throws(InquiriesError) -> [CaseChange] {
        guard state == .answered else {
            throw .notAllowed("ticket \(id) is \(state.name); it can be closed only when ANSWERED")
        }
        state = .closed
        closedAt = now
        return [.stateChanged(from: TicketState.answered.name, to: TicketState.closed.name)]
    }

    private mutating func inform(_ text: String, _ now: Date, _ changes: inout [CaseChange]) {
        let note = CaseMessage(
            id: "\(id)-n\(notifications.count + 1)", author: Actor(subject: "inquiries", role: .service), text: text,
            sentAt: now)
        notifications.append(note)
        changes.append(.message(note))
    }
}

import CommonAPI
import Foundation
import InquiriesDomain
import Runtime
import SupportPolicy
import Wire

/// Inquiries' events for Oversight: every ticket step, and every answer given from the rules.
enum InquiriesEvents {
    /// The events of a ticket change.
    static func events(for changes: [CaseChange], ticket: Ticket, by actor: Actor, at now: Date) -> [Event] {
        let base = Event.with {
            $0.sourceService = "inquiries"
            $0.aggregateType = "ticket"
            $0.aggregateID = ticket.id
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = ticket.askedBy.subject
            $0.category = "UNANSWERED_QUESTION"
        }
        var events = changes.map { $0.event(from: base, resolvedAs: ticket.state.name) }
        if changes.contains(.opened) {
            // Not answering from the rules is a decision too, and not the favorable one.
            var decision = base
            decision.kind = .decision
            decision.decision = DecisionDetail.with {
                $0.decisionType = "inquiry_answer"
                $0.outcome = "TICKET"
                $0.favorable = false
                $0.rule = QuestionAnswerer.unansweredRule.wire
                $0.followedPlaybook = true
            }
            decision.summary = "no official answer: ticket opened (rule \(QuestionAnswerer.unansweredRule.id))"
            events.append(decision)
        }
        if changes.contains(.resolved) {
            var decision = base
            decision.kind = .decision
            decision.decision = DecisionDetail.with {
                $0.decisionType = "ticket_answer"
                $0.outcome = "ANSWERED"
                $0.favorable = true
                $0.rule = ticket.answerRule?.wire
                $0.followedPlaybook = ticket.answerRule != nil
            }
            decision.summary = "ticket answered" + (ticket.answerRule.map { " citing \($0.id)" } ?? " without a rule")
            events.append(decision)
        }
        return events
    }

    /// An answer composed from official rules: one interaction, with the rules cited, and the
    /// decision to answer, citing the first part's rule.
    static func answered(_ question: String, parts: [AnswerPart], by actor: Actor, at now: Date) -> [Event] {
        let interaction = Event.with {
            $0.sourceService = "inquiries"
            $0.aggregateType = "question"
            $0.aggregateID = "Q-\(UUID.timeOrdered(at: now).uuidString.lowercased())"
            $0.kind = .interaction
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = actor.role == .customer ? actor.subject : ""
            $0.category = parts.map { "\($0.topic)" }.joined(separator: "+")
            $0.summary = "answered from \(parts.map(\.rule.id).joined(separator: ", ")): \(question.prefix(200))"
        }
        var decision = interaction
        decision.kind = .decision
        decision.decision = DecisionDetail.with {
            $0.decisionType = "inquiry_answer"
            $0.outcome = "ANSWERED"
            $0.favorable = true
            $0.rule = parts.first?.rule.wire
            $0.followedPlaybook = true
        }
        return [interaction, decision]
    }
}

import CommonAPI
import OversightAPI
import Testing
import Wire

/// The largest legitimate request, `RecordEvents` with 1,000 events of every field set, decodes
/// in under 60,000 elements, inside the decoder's default limit of 100,000; 2,000,000 empty events stop there.
@Suite struct RequestElementLimitTests {
    static let time = Wire.Timestamp(seconds: 1_790_000_000, nanos: 5)
    static let money = CommonAPI.Money.with {
        $0.minorUnits = 1999
        $0.currencyCode = "EUR"
    }
    static let actor = CommonAPI.Actor.with {
        $0.subject = "agent-7"
        $0.role = CommonAPI.CallerRole(rawValue: 2)
    }

    /// An event with every field, and every field of its nested messages, set.
    static func fullEvent(_ index: Int) -> Event {
        Event.with {
            $0.eventID = "event-\(index)"
            $0.sourceService = "returns"
            $0.aggregateType = "return"
            $0.aggregateID = "RET-\(index)"
            $0.aggregateSequence = Int64(index + 1)
            $0.kind = EventKind(rawValue: 3)
            $0.actor = actor
            $0.occurredAt = time
            $0.customerID = "customer-\(index)"
            $0.fairness = CommonAPI.FairnessAttributes.with {
                $0.region = "DE"
                $0.orderValue = money
                $0.accountCreatedAt = time
            }
            $0.category = "damaged"
            $0.summary = "Return approved"
            $0.decision = DecisionDetail.with {
                $0.decisionType = "return"
                $0.outcome = "approved"
                $0.favorable = true
                $0.rule = CommonAPI.PolicyReference.with {
                    $0.policyVersion = "2026-01"
                    $0.ruleID = "R-1"
                    $0.ruleText = "Damaged goods are returned."
                }
                $0.followedPlaybook = true
            }
            $0.message = MessageDetail.with {
                $0.message = CommonAPI.CaseMessage.with {
                    $0.messageID = "m-\(index)"
                    $0.author = actor
                    $0.text = "Thanks"
                    $0.sentAt = time
                }
            }
            $0.stateChange = StateChangeDetail.with {
                $0.fromState = "REQUESTED"
                $0.toState = "APPROVED"
            }
            $0.refund = RefundDetail.with {
                $0.amount = money
                $0.expectedBy = time
                $0.completed = true
            }
        }
    }

    @Test func thousandFullEventsNeedUnderSixtyThousandElements() throws {
        let request = RecordEventsRequest.with { $0.events = (0..<1000).map(Self.fullEvent) }
        let bytes = request.serializedBytes()
        #expect(
            try RecordEventsRequest(serializedBytes: bytes, elementLimit: 60_000) == request
        )
        #expect(try RecordEventsRequest(serializedBytes: bytes) == request)
    }

    @Test func twoMillionEmptyEventsStopAtTheDefaultLimit() {
        let bytes = Array([[UInt8]](repeating: [0x0A, 0x00], count: 2_000_000).joined())
        #expect(throws: WireDecodingError.elementLimitExceeded(WireReader.defaultElementLimit)) {
            try RecordEventsRequest(serializedBytes: bytes)
        }
    }
}

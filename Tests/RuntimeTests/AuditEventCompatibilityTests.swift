import CommonAPI
import OversightAPI
import Testing
import Wire

/// The audit event moved from support.oversight.v1 to the shared support.common.v1 with the same
/// field numbers and types: bytes written by the old type (events already in outboxes, clients
/// built from the old contract) decode unchanged with the new one, and encode back to the same
/// bytes.
@Suite struct AuditEventCompatibilityTests {
    /// A `support.oversight.v1.Event` with every field set, encoded by Python's protobuf from
    /// proto/ as of commit 85d6a8c (before the move): actor agent-1 (AGENT), a decision, a
    /// message, a state change and a refund.
    static let oldEncoding =
        "0a1472657475726e733a72657475726e3a522d313a37120772657475726e731a0672657475726e2203522d312807"
        + "30033a0b0a076167656e742d3110024208088092aec906107b4a03616e6152040a0245555a0e70726f647563742d"
        + "64656665637462047320c3a96a300a0f72657475726e2d617070726f76616c1208617070726f7665641801220f"
        + "0a06323032362e3112055245542d312801720e0a0c0a034d2d311a0568656c6c6f7a140a085245434549564544"
        + "1208415050524f5645448201140a08088727120345555212060880f0e2c9061801"

    static var oldBytes: [UInt8] {
        var bytes: [UInt8] = []
        var index = oldEncoding.startIndex
        while index < oldEncoding.endIndex {
            let next = oldEncoding.index(index, offsetBy: 2)
            bytes.append(UInt8(oldEncoding[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    @Test func oldBytesDecodeWithTheSharedEvent() throws {
        let event = try CommonAPI.Event(serializedBytes: Self.oldBytes)
        #expect(event.eventID == "returns:return:R-1:7")
        #expect(event.sourceService == "returns")
        #expect(event.aggregateType == "return")
        #expect(event.aggregateID == "R-1")
        #expect(event.aggregateSequence == 7)
        #expect(event.kind == .decision)
        #expect(event.actor?.subject == "agent-1")
        #expect(event.actor?.role == .agent)
        #expect(event.occurredAt?.seconds == 1_764_460_800)
        #expect(event.occurredAt?.nanos == 123)
        #expect(event.customerID == "ana")
        #expect(event.fairness?.region == "EU")
        #expect(event.category == "product-defect")
        #expect(event.summary == "s é")
        #expect(event.decision?.decisionType == "return-approval")
        #expect(event.decision?.outcome == "approved")
        #expect(event.decision?.favorable == true)
        #expect(event.decision?.rule?.policyVersion == "2026.1")
        #expect(event.decision?.rule?.ruleID == "RET-1")
        #expect(event.decision?.followedPlaybook == true)
        #expect(event.message?.message?.messageID == "M-1")
        #expect(event.message?.message?.text == "hello")
        #expect(event.stateChange?.fromState == "RECEIVED")
        #expect(event.stateChange?.toState == "APPROVED")
        #expect(event.refund?.amount?.minorUnits == 4999)
        #expect(event.refund?.amount?.currencyCode == "EUR")
        #expect(event.refund?.expectedBy?.seconds == 1_765_324_800)
        #expect(event.refund?.completed == true)
        #expect(event.serializedBytes() == Self.oldBytes)
    }

    @Test func recordEventsCarriesTheSameBytes() throws {
        let event = try CommonAPI.Event(serializedBytes: Self.oldBytes)
        let request = RecordEventsRequest.with { $0.events = [event, event] }
        // Field 1 (events), length-delimited, once per event: the request's bytes are the old
        // event's bytes, framed, exactly as a client built from the old contract sends them.
        var expected: [UInt8] = []
        for _ in 0..<2 {
            expected += [0x0A, UInt8(Self.oldBytes.count & 0x7F) | 0x80, UInt8(Self.oldBytes.count >> 7)]
            expected += Self.oldBytes
        }
        #expect(Self.oldBytes.count >= 128 && Self.oldBytes.count < 16_384)
        #expect(request.serializedBytes() == expected)
        #expect(try RecordEventsRequest(serializedBytes: expected).events == [event, event])
    }
}

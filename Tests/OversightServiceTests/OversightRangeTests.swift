import CommonAPI
import OversightAPI
import RPC
import Testing
import Wire

/// Every time inside an event is checked against google.protobuf.Timestamp's range before the
/// event is recorded: one outside it refuses the whole batch with INVALID_ARGUMENT naming the
/// field, and nothing is appended.
@Suite struct OversightRangeTests {
    @Test(arguments: [
        ("fairness.account_created_at", Int64.max, Int32(0)),
        ("fairness.account_created_at", Int64.min, Int32(0)),
        ("refund.expected_by", Int64(253_402_300_800), Int32(0)),
        ("message.message.sent_at", Int64(0), Int32(-1)),
        ("occurred_at", Int64(-62_135_596_801), Int32(0)),
    ])
    func anEventWithATimeOutsideTheProtobufRangeIsRefused(field: String, seconds: Int64, nanos: Int32)
        async throws
    {
        let harness = try OversightHarness()
        let time = Timestamp(seconds: seconds, nanos: nanos)
        var event = OversightHarness.event("e-bad", .caseOpened, caseID: "ISS-1", minutes: 0)
        switch field {
        case "fairness.account_created_at": event.fairness?.accountCreatedAt = time
        case "refund.expected_by": event.refund = RefundDetail.with { $0.expectedBy = time }
        case "message.message.sent_at":
            event.message = MessageDetail.with { $0.message = CaseMessage.with { $0.sentAt = time } }
        default: event.occurredAt = time
        }
        let good = OversightHarness.event("e-good", .caseOpened, caseID: "ISS-2", minutes: 1)
        let error = await #expect(throws: RPCError.self) { try await harness.record([good, event]) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("events[1]: \(field)") == true, "\(error?.message ?? "")")
        #expect(
            error?.message.contains(nanos == 0 ? "outside the range of google.protobuf.Timestamp" : "nanos") == true)

        let recorded = try await harness.record([good])
        #expect(recorded.accepted == 1)
        #expect(recorded.lastSequence == 1)
    }
}

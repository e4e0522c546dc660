import Foundation
import OversightDomain
import Testing

/// The hash chain detects every kind of tampering: an edited, removed, reordered or truncated
/// record.
@Suite struct AuditChainTests {
    static func log(_ count: Int) -> [AuditChain.Record] {
        var records: [AuditChain.Record] = []
        var previous = AuditChain.genesis
        for sequence in 1...Int64(count) {
            let event = Array("event \(sequence)".utf8)
            let hash = AuditChain.hash(
                previous: previous, sequence: sequence, recordedAtNanos: sequence * 1_000, event: event)
            records.append(
                AuditChain.Record(
                    sequence: sequence, recordedAtNanos: sequence * 1_000, event: event, previousHash: previous,
                    hash: hash))
            previous = hash
        }
        return records
    }

    static func verify(_ records: [AuditChain.Record], expectedCount: Int64? = nil) -> AuditChain.Verification {
        var verifier = AuditChain.Verifier()
        for record in records where !verifier.check(record) { break }
        return verifier.finish(expectedCount: expectedCount)
    }

    @Test func anIntactLogVerifies() {
        let result = Self.verify(Self.log(50), expectedCount: 50)
        #expect(result.valid)
        #expect(result.recordsChecked == 50)
        #expect(result.headHash == Self.log(50).last?.hash)
    }

    @Test func anEditedEventIsDetectedAtItsRecord() {
        var records = Self.log(20)
        records[7].event = Array("event 8, amended".utf8)
        let result = Self.verify(records, expectedCount: 20)
        #expect(!result.valid)
        #expect(result.firstInvalidSequence == 8)
        #expect(result.problem == "record 8 was changed after it was recorded")
    }

    @Test func anEditedTimeOrRehashedRecordIsDetected() {
        var records = Self.log(20)
        records[3].recordedAtNanos += 1
        #expect(Self.verify(records).firstInvalidSequence == 4)
        // Recomputing the edited record's own hash breaks its successor instead.
        var rehashed = Self.log(20)
        rehashed[3].event = [1, 2, 3]
        rehashed[3].hash = AuditChain.hash(
            previous: rehashed[3].previousHash, sequence: 4, recordedAtNanos: rehashed[3].recordedAtNanos,
            event: [1, 2, 3])
        #expect(Self.verify(rehashed).firstInvalidSequence == 5)
    }

    @Test func aRemovedRecordIsDetected() {
        var records = Self.log(20)
        records.remove(at: 10)
        let result = Self.verify(records, expectedCount: 20)
        #expect(result.firstInvalidSequence == 12)
        #expect(result.problem == "record 11 is missing (found 12)")
    }

    @Test func reorderedRecordsAreDetected() {
        var records = Self.log(20)
        records.swapAt(4, 5)
        #expect(Self.verify(records).firstInvalidSequence == 6)
        // Renumbering the swapped records to hide the swap breaks their hashes.
        var renumbered = Self.log(20)
        let fifth = renumbered[4]
        renumbered[4] = renumbered[5]
        renumbered[5] = fifth
        renumbered[4].sequence = 5
        renumbered[5].sequence = 6
        #expect(Self.verify(renumbered).firstInvalidSequence == 5)
    }

    @Test func aTruncatedLogIsDetectedAgainstTheRecordedCount() {
        let records = Array(Self.log(20).prefix(15))
        let result = Self.verify(records, expectedCount: 20)
        #expect(!result.valid)
        #expect(result.problem == "the log ends at record 15 but 20 were recorded")
    }
}

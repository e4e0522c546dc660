import Crypto
import Foundation

/// The tamper-evident hash chain of the audit log. Each record's hash is SHA-256 over the
/// previous record's hash, its own sequence number, the time it was recorded and the recorded
/// event's bytes; the first record's previous hash is 32 zero bytes. Editing, removing,
/// reordering or truncating any record breaks the chain at that record (truncating the tail is
/// caught by comparing the head with one kept elsewhere, or the record count).
public enum AuditChain {
    /// The previous hash of the first record.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The hash of a record.
    public static func hash(previous: [UInt8], sequence: Int64, recordedAtNanos: Int64, event: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        withUnsafeBytes(of: sequence.bigEndian) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: recordedAtNanos.bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: event)
        return Array(hasher.finalize())
    }

    /// One stored record, as the verifier reads it.
    public struct Record: Sendable, Hashable {
        /// Position, from 1, without gaps.
        public var sequence: Int64
        /// When it was recorded, in nanoseconds since 1970.
        public var recordedAtNanos: Int64
        /// The event's bytes.
        public var event: [UInt8]
        /// The stored previous hash.
        public var previousHash: [UInt8]
        /// The stored hash.
        public var hash: [UInt8]

        /// A record.
        public init(sequence: Int64, recordedAtNanos: Int64, event: [UInt8], previousHash: [UInt8], hash: [UInt8]) {
            self.sequence = sequence
            self.recordedAtNanos = recordedAtNanos
            self.event = event
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// The outcome of checking the chain.
    public struct Verification: Sendable, Hashable {
        /// Whether every record checked out.
        public var valid: Bool
        /// Records checked.
        public var recordsChecked: Int64
        /// The first record that failed, if any.
        public var firstInvalidSequence: Int64?
        /// What was wrong.
        public var problem: String
        /// The hash of the last valid record.
        public var headHash: [UInt8]

        /// A verification result.
        public init(
            valid: Bool, recordsChecked: Int64, firstInvalidSequence: Int64?, problem: String, headHash: [UInt8]
        ) {
            self.valid = valid
            self.recordsChecked = recordsChecked
            self.firstInvalidSequence = firstInvalidSequence
            self.problem = problem
            self.headHash = headHash
        }
    }

    /// Walks records in order (fed one at a time, so a log of any size is checked in constant
    /// memory) and reports the first break.
    public struct Verifier: Sendable {
        private var expectedSequence: Int64 = 1
        private var previous = AuditChain.genesis
        private var failure: (Int64, String)?
        private var checked: Int64 = 0

        /// A verifier at the start of the log.
        public init() {}

        /// Checks the next record; false once the chain broke (later records are not checked).
        @discardableResult
        public mutating func check(_ record: Record) -> Bool {
            guard failure == nil else { return false }
            checked += 1
            if record.sequence != expectedSequence {
                failure = (
                    record.sequence,
                    record.sequence > expectedSequence
                        ? "record \(expectedSequence) is missing (found \(record.sequence))"
                        : "record \(record.sequence) is out of order (expected \(expectedSequence))"
                )
                return false
            }
            if record.previousHash != previous {
                failure = (record.sequence, "record \(record.sequence) does not follow its predecessor's hash")
                return false
            }
            let computed = AuditChain.hash(
                previous: previous, sequence: record.sequence, recordedAtNanos: record.recordedAtNanos,
                event: record.event)
            if computed != record.hash {
                failure = (record.sequence, "record \(record.sequence) was changed after it was recorded")
                return false
            }
            previous = computed
            expectedSequence += 1
            return true
        }

        /// The result, given how many records the log claims to hold (a shorter walk means the
        /// log was truncated).
        public func finish(expectedCount: Int64? = nil) -> Verification {
            if let (sequence, problem) = failure {
                return Verification(
                    valid: false, recordsChecked: checked, firstInvalidSequence: sequence, problem: problem,
                    headHash: previous)
            }
            if let expectedCount, expectedCount != expectedSequence - 1 {
                return Verification(
                    valid: false, recordsChecked: checked, firstInvalidSequence: expectedSequence,
                    problem: "the log ends at record \(expectedSequence - 1) but \(expectedCount) were recorded",
                    headHash: previous)
            }
            return Verification(
                valid: true, recordsChecked: checked, firstInvalidSequence: nil, problem: "", headHash: previous)
        }
    }
}

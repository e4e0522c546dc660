import Foundation
import Wire

extension Timestamp {
    /// The timestamp of `date`, to the nanosecond.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1_000_000_000).rounded()
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        self.init(seconds: Int64(seconds), nanos: Int32(nanos))
    }

    /// The date this timestamp names.
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1_000_000_000)
    }

    /// Whether the value is one protobuf allows (0001-01-01 to 9999-12-31, nanos in range).
    public var isValid: Bool {
        (-62_135_596_800...253_402_300_799).contains(seconds) && (0..<1_000_000_000).contains(nanos)
    }
}

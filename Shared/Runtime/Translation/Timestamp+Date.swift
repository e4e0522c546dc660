import Foundation
import RPC
import Wire

extension Timestamp {
    /// The seconds `google.protobuf.Timestamp` allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    public static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799
    /// The nanoseconds it allows.
    public static let validNanos: ClosedRange<Int32> = 0...999_999_999

    /// The timestamp of `date`, to the nanosecond. A date outside the protobuf range (only a bug
    /// could make one: every date from the network is checked on arrival) is clamped to the
    /// range's nearest end rather than trapping; NaN reads as the epoch.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        guard !interval.isNaN else {
            self.init(seconds: 0, nanos: 0)
            return
        }
        let lowest = Double(Self.validSeconds.lowerBound)
        let highest = Double(Self.validSeconds.upperBound)
        guard interval >= lowest else {
            self.init(seconds: Self.validSeconds.lowerBound, nanos: 0)
            return
        }
        guard interval < highest + 1 else {
            self.init(seconds: Self.validSeconds.upperBound, nanos: Self.validNanos.upperBound)
            return
        }
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1_000_000_000).rounded()
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        self.init(seconds: min(Int64(seconds), Self.validSeconds.upperBound), nanos: Int32(nanos))
    }

    /// The date this timestamp names. For a timestamp from the network use
    /// ``validDate(_:)``, which refuses one outside the protobuf range.
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1_000_000_000)
    }

    /// Whether the value is one protobuf allows (0001-01-01 to 9999-12-31, nanos in range).
    public var isValid: Bool {
        Self.validSeconds.contains(seconds) && Self.validNanos.contains(nanos)
    }

    /// Why this timestamp cannot be the value of `field` (it lies outside the protobuf range), or
    /// nil if it can.
    public func rangeProblem(_ field: String) -> String? {
        guard Self.validSeconds.contains(seconds) else {
            return "\(field) (\(seconds) seconds since 1970) is outside the range of google.protobuf.Timestamp, "
                + "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"
        }
        guard Self.validNanos.contains(nanos) else {
            return "\(field).nanos \(nanos) must be 0 to 999999999"
        }
        return nil
    }

    /// The date of this timestamp from the network, as the value of `field`; INVALID_ARGUMENT
    /// naming the field if it is outside the protobuf range.
    public func validDate(_ field: String) throws(RPCError) -> Date {
        if let problem = rangeProblem(field) { throw RPCError(.invalidArgument, problem) }
        return date
    }
}

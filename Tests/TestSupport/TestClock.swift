import Foundation
import Synchronization

/// A clock a test sets: "now" for a service under test.
public final class TestClock: Sendable {
    private let time: Mutex<Date>

    /// A clock reading `start`.
    public init(_ start: Date) {
        time = Mutex(start)
    }

    /// The current time.
    public var now: Date { time.withLock { $0 } }

    /// Moves the clock by `seconds`.
    public func advance(_ seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

import Foundation
import Synchronization

/// A clock a test sets: "now" for a service under test.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    /// A clock reading `start`.
    init(_ start: Date) {
        time = Mutex(start)
    }

    /// The current time.
    var now: Date { time.withLock { $0 } }

    /// Moves the clock by `seconds`.
    func advance(_ seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

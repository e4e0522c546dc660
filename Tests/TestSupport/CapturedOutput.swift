import Synchronization

/// The lines a ``ChildProcess`` printed, shared between its reading thread and the test.
final class CapturedOutput: Sendable {
    private let state = Mutex<(lines: [String], finished: Bool)>(([], false))

    /// Every line so far.
    var lines: [String] { state.withLock { $0.lines } }

    /// Whether the output ended.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Adds a line.
    func append(_ line: String) {
        state.withLock { $0.lines.append(line) }
    }

    /// Records the end of the output.
    func finish() {
        state.withLock { $0.finished = true }
    }
}

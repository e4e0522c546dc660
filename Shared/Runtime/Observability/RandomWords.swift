import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Random 64-bit words from the system's generator, drawn 64 at a time: a call's request id and
/// trace ids take four words, and one `getrandom` system call per word was, under load, several
/// percent of a service's time. The words are as random as the system's (the buffer is filled
/// from `/dev/urandom`, the kernel's generator); only the system calls are fewer.
struct RandomWords: RandomNumberGenerator {
    private struct Buffer {
        var words = [UInt64](repeating: 0, count: 64)
        var next = 64
    }

    private static let shared = Mutex(Buffer())

    /// The next word.
    mutating func next() -> UInt64 {
        Self.shared.withLock { buffer in
            if buffer.next == buffer.words.count {
                Self.refill(&buffer.words)
                buffer.next = 0
            }
            defer { buffer.next += 1 }
            return buffer.words[buffer.next]
        }
    }

    /// Fills `words` with one read of `/dev/urandom` (opened once), falling back to the standard
    /// library's generator, a word at a time, if that fails.
    private static func refill(_ words: inout [UInt64]) {
        #if canImport(Glibc)
            let size = words.count * MemoryLayout<UInt64>.size
            if device >= 0, words.withUnsafeMutableBytes({ read(device, $0.baseAddress, size) }) == size { return }
        #endif
        var system = SystemRandomNumberGenerator()
        for index in words.indices { words[index] = system.next() }
    }

    #if canImport(Glibc)
        /// `/dev/urandom`, kept open; -1 if it could not be opened.
        private static let device = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif
}

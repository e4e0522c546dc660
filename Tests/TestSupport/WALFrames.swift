import Foundation

/// The frames of a SQLite write-ahead log, read from its file: which database page each frame
/// holds, and which frames end a commit. A WAL is a 32-byte header (the page size at offset 8,
/// big-endian) followed by frames, each a 24-byte header (the page number, then the database
/// size in pages, non-zero only in a commit's last frame) and one page. Run a
/// `PRAGMA wal_checkpoint(TRUNCATE)` first, and the frames are what the writes since wrote.
public struct WALFrames: Sendable, Equatable {
    /// The database page size the log was written with (0 for an empty log).
    public let pageSize: Int
    /// The page number of each frame, in the order written.
    public let pages: [Int]
    /// How many frames end a commit.
    public let commits: Int

    /// Why a log could not be read.
    public struct Malformed: Error, CustomStringConvertible {
        /// What is wrong with it.
        public let description: String
    }

    /// The frames of the log at `path` (none when the file is missing or empty).
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(pageSize: 0, pages: [], commits: 0)
            return
        }
        try self.init(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The frames of the log in `bytes`; a trailing partial frame (one being written) is ignored.
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else {
            self.init(pageSize: 0, pages: [], commits: 0)
            return
        }
        guard bytes.count >= 32 else { throw Malformed(description: "a WAL header is 32 bytes, got \(bytes.count)") }
        let magic = Self.bigEndian(bytes, at: 0)
        guard magic == 0x377f_0682 || magic == 0x377f_0683 else {
            throw Malformed(description: "not a WAL file (magic \(String(magic, radix: 16)))")
        }
        let pageSize = Self.bigEndian(bytes, at: 8)
        // 512 ... 65536, a power of two (65536 is written as 1).
        let size = pageSize == 1 ? 65_536 : pageSize
        guard size >= 512, size <= 65_536, size & (size - 1) == 0 else {
            throw Malformed(description: "page size \(pageSize) in the WAL header")
        }
        let frameSize = 24 + size
        var pages: [Int] = []
        var commits = 0
        var offset = 32
        while bytes.count - offset >= frameSize {
            pages.append(Self.bigEndian(bytes, at: offset))
            if Self.bigEndian(bytes, at: offset + 4) != 0 { commits += 1 }
            offset += frameSize
        }
        self.init(pageSize: size, pages: pages, commits: commits)
    }

    private init(pageSize: Int, pages: [Int], commits: Int) {
        self.pageSize = pageSize
        self.pages = pages
        self.commits = commits
    }

    /// The 32-bit big-endian number at `offset` (the caller checked that 4 bytes are there).
    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
}

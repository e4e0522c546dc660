import Foundation

/// Runs `Tests/Python/wire_oracle.py` over a batch of encodings and returns its verdicts.
enum PythonOracle {
    /// Python's verdict on one Swift encoding.
    struct Verdict {
        /// 0 identical bytes, 1 identical up to map entry order, 2 different, 3 unparseable.
        var status: UInt8
        /// Python's encoding of the parsed `AllKinds`.
        var full: [UInt8]
        /// Python's encoding of the bytes parsed as `AllKindsSubset`.
        var subset: [UInt8]
    }

    enum Failure: Error {
        case exited(Int32)
        case shortOutput
    }

    static func judge(_ encodings: [[UInt8]]) throws -> [Verdict] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wire-oracle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var input = [UInt8]()
        for encoding in encodings {
            appendLength(encoding.count, to: &input)
            input += encoding
        }
        let inputURL = directory.appendingPathComponent("in")
        let outputURL = directory.appendingPathComponent("out")
        try Data(input).write(to: inputURL)
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath]
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.exited(process.terminationStatus) }

        let output = [UInt8](try Data(contentsOf: outputURL))
        var cursor = 0
        var verdicts: [Verdict] = []
        for _ in encodings {
            guard cursor + 5 <= output.count else { throw Failure.shortOutput }
            let status = output[cursor]
            cursor += 1
            let full = try readChunk(output, &cursor)
            let subset = try readChunk(output, &cursor)
            verdicts.append(Verdict(status: status, full: full, subset: subset))
        }
        return verdicts
    }

    private static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Python/wire_oracle.py").path
    }

    private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(length).littleEndian) { bytes += $0 }
    }

    private static func readChunk(_ bytes: [UInt8], _ cursor: inout Int) throws -> [UInt8] {
        guard cursor + 4 <= bytes.count else { throw Failure.shortOutput }
        let length = Int(bytes[cursor..<cursor + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        cursor += 4
        guard cursor + length <= bytes.count else { throw Failure.shortOutput }
        defer { cursor += length }
        return Array(bytes[cursor..<cursor + length])
    }
}

import Foundation
import FuzzTargets

/// Runs a target once over given inputs: what the plain build of `Fuzz` does (fuzzing itself
/// needs the `--sanitize=fuzzer` build; see the Makefile's `fuzz` target).
enum Replay {
    /// Replays the files named (directories: every file in them); returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first, let target = FuzzTarget.named(name) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
            print("usage: Fuzz TARGET FILE_OR_DIRECTORY... (TARGET: \(names))")
            print("This build replays inputs once; `make fuzz` builds with libFuzzer and fuzzes.")
            return 2
        }
        var count = 0
        var findings = 0
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                count += 1
                if let problem = target.check([UInt8](data)) {
                    findings += 1
                    print("\(file): \(problem)")
                }
            }
        }
        print("\(target.name): \(count) inputs replayed, \(findings) findings")
        return findings == 0 ? 0 : 1
    }

    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }
}

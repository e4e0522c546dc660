import FuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

// How one executable serves both builds. A plain `swift build` compiles an executable module's
// entry point as `<module>_main` and links `main` to it, so `Fuzz_main` below is the program: it
// replays inputs once each (no libFuzzer needed, nothing to link that a plain build lacks). Built
// with `--sanitize=fuzzer`, SwiftPM does no such renaming: libFuzzer's own `main` runs, calls
// `LLVMFuzzerInitialize` once and then `LLVMFuzzerTestOneInput` per input, and `Fuzz_main` is
// never called. The target is chosen by the first argument (or FUZZ_TARGET, which libFuzzer's
// child processes inherit).

/// The target this process runs.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

/// libFuzzer's start-up hook: takes the target's name off the arguments.
@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> Int32 {
    if argc.pointee > 1, let first = argv.pointee[1], let target = FuzzTarget.named(String(cString: first)) {
        selectedTarget = target
        setenv("FUZZ_TARGET", target.name, 1)
        argv.pointee[1] = argv.pointee[0]
        argv.pointee += 1
        argc.pointee -= 1
    } else if let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }) {
        selectedTarget = FuzzTarget.named(name)
    }
    guard selectedTarget != nil else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        let usage = "usage: Fuzz TARGET [libFuzzer options] [corpus directories]; TARGET is one of \(names)\n"
        _ = usage.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return 0
}

/// libFuzzer's per-input call: a finding of the target's oracle is a crash, as a trap would be.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target = selectedTarget else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let problem = target.check(bytes) {
        fatalError("\(target.name): \(problem)")
    }
    return 0
}

/// The plain build's program: `Fuzz TARGET FILE_OR_DIRECTORY...` runs each input once.
@_cdecl("Fuzz_main")
func plainMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    Replay.main(Array(CommandLine.arguments.dropFirst()))
}

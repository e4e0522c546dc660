import Foundation

extension UUID {
    /// A random (version 4) UUID drawn from ``RandomWords``: as random as `UUID()`, whose
    /// Foundation implementation on Linux opens, reads and closes `/dev/urandom` on every call
    /// (three system calls on the event loop of every command that names a new record).
    public static func random() -> UUID {
        var words = RandomWords()
        var high = words.next()
        var low = words.next()
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        let bytes = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

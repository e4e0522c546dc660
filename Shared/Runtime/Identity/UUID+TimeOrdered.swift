import Foundation

extension UUID {
    /// A time-ordered (version 7, RFC 9562) UUID for a record made at `date`: its first 48 bits
    /// are the Unix time in milliseconds, the other 74 (besides version and variant) random from
    /// ``RandomWords``, as unguessable as a record id needs.
    ///
    /// Why records are named so: the tables keyed by a record's id (SQLite `WITHOUT ROWID`
    /// tables and primary-key indexes, PostgreSQL's b-tree indexes) then take each new record at
    /// their end, on a page the previous one just wrote, instead of on a random page of the whole
    /// tree. Random ids made every command read a leaf the cache no longer held and copy it back
    /// again at the checkpoint, a cost that grew with the table (issue 15,
    /// `Benchmarks/service-profile.md`). The lowercased string sorts as the UUID does, since
    /// its hexadecimal digits have a fixed width.
    ///
    /// A date before 1970 counts as 1970, one past the 48-bit range (year 10889) as its end.
    public static func timeOrdered(at date: Date) -> UUID {
        let milliseconds = (date.timeIntervalSince1970 * 1_000).rounded(.down)
        let maximum: UInt64 = 0xFFFF_FFFF_FFFF
        let stamp: UInt64 =
            milliseconds.isNaN || milliseconds <= 0
            ? 0 : milliseconds >= Double(maximum) ? maximum : UInt64(milliseconds)
        var words = RandomWords()
        let high = (stamp << 16) | 0x7000 | (words.next() & 0x0FFF)  // version 7, 12 random bits
        let low = (words.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        let bytes = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

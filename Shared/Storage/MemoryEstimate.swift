/// About how many bytes values take, for ``ReadCache`` costs: a value's own bytes are its
/// `MemoryLayout` stride (held in the cache's table), and what it holds on the heap is added here
/// part by part, rounded as glibc's malloc rounds (16-byte steps, 8 bytes of its own).
public enum MemoryEstimate {
    /// What `string` holds on the heap: nothing when its UTF-8 fits inline (15 bytes or fewer),
    /// else its bytes, a terminator and the 32-byte header of Swift's string storage.
    public static func heap(_ string: String) -> Int {
        let count = string.utf8.count
        return count <= 15 ? 0 : allocation(32 + count + 1)
    }

    /// What `array`'s buffer holds on the heap (its elements' own heap not counted).
    public static func heap<Element>(_ array: [Element]) -> Int {
        array.capacity == 0 ? 0 : allocation(32 + array.capacity * MemoryLayout<Element>.stride)
    }

    /// What one entry of a ``ReadCache`` costs besides its value's heap, at worst: its key and
    /// value in the cache's table (slots a power of two, at most three quarters used, and rebuilt
    /// once it has room for more than three times its entries: at most 4 slots per entry), and
    /// its place in the oldest-first queue (at most twice the entries, in an array at most twice
    /// its count).
    public static func cacheEntry<Key, Value>(key: Key.Type, value: Value.Type) -> Int {
        let slot = MemoryLayout<Key>.stride + MemoryLayout<Value>.stride + 2 * MemoryLayout<UInt64>.stride
        return 4 * slot + 4 * (MemoryLayout<Key>.stride + MemoryLayout<UInt64>.stride)
    }

    /// The bytes malloc takes for a request of `bytes`.
    public static func allocation(_ bytes: Int) -> Int {
        (bytes + 8 + 15) & ~15
    }
}

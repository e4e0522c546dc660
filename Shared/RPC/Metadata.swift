/// gRPC metadata: an ordered list of key-value pairs, keys in lower case. Keys ending in `-bin`
/// carry binary values (base64 on the wire); all others carry ASCII strings.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One metadata value.
    public enum EntryValue: Sendable, Hashable {
        /// A printable ASCII value.
        case string(String)
        /// A binary value (for keys ending in `-bin`).
        case binary([UInt8])
    }

    /// One key-value pair.
    public struct Entry: Sendable, Hashable {
        /// The key, lower case (set only through ``init(key:value:)``, which lowers it: a key
        /// changed afterwards could go out in upper case, which HTTP/2 forbids).
        public private(set) var key: String
        /// The value.
        public var value: EntryValue

        /// An entry of `key` (lower-cased) and `value`.
        public init(key: String, value: EntryValue) {
            self.key = Metadata.lowercase(key)
            self.value = value
        }
    }

    /// `key` in lower case: itself when it has no upper-case letter (every key from the wire, and
    /// those the code names), without the new string `lowercased()` makes.
    static func lowercase(_ key: String) -> String {
        key.utf8.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) } ? key : key.lowercased()
    }

    private var entries: [Entry]

    /// Empty metadata.
    public init() {
        entries = []
    }

    /// Metadata from string pairs.
    public init(dictionaryLiteral elements: (String, String)...) {
        entries = elements.map { Entry(key: $0.0, value: .string($0.1)) }
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Appends a string value.
    public mutating func add(_ key: String, _ value: String) {
        entries.append(Entry(key: key, value: .string(value)))
    }

    /// Appends a binary value; `key` should end in `-bin`.
    public mutating func add(_ key: String, binary value: [UInt8]) {
        entries.append(Entry(key: key, value: .binary(value)))
    }

    /// Appends an entry.
    public mutating func add(_ entry: Entry) {
        entries.append(entry)
    }

    /// Replaces every value of `key` with one string value.
    public mutating func set(_ key: String, _ value: String) {
        remove(key)
        add(key, value)
    }

    /// Removes every value of `key`.
    public mutating func remove(_ key: String) {
        let key = Self.lowercase(key)
        entries.removeAll { $0.key == key }
    }

    /// The first string value of `key`.
    public subscript(_ key: String) -> String? {
        let key = Self.lowercase(key)
        for entry in entries where entry.key == key {
            if case .string(let value) = entry.value { return value }
        }
        return nil
    }

    /// The first binary value of `key`.
    public func binary(_ key: String) -> [UInt8]? {
        let key = Self.lowercase(key)
        for entry in entries where entry.key == key {
            if case .binary(let value) = entry.value { return value }
        }
        return nil
    }

    /// Iterates the entries in order.
    public func makeIterator() -> IndexingIterator<[Entry]> {
        entries.makeIterator()
    }
}
